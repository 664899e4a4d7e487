/* Accessible names for CKAN's searchable pickers (select2 3.5 over a <select>).
 *
 * select2 labels its keyboard input but leaves its visible "choice" link without a name, which
 * screen readers announce as an empty link (axe: link-name). Each such link gets the label of
 * the <select> it stands for, also in pickers added later (repeating form groups).
 */
(function () {
  'use strict';

  function labelOf(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    return (label ? label.textContent : select.getAttribute('title') || '').replace(/\s+/g, ' ').trim();
  }

  function nameChoices(root) {
    var containers = root.querySelectorAll ? root.querySelectorAll('.select2-container[id^="s2id_"]') : [];
    Array.prototype.forEach.call(containers, function (container) {
      var select = document.getElementById(container.id.slice(5));
      var choice = container.querySelector('a.select2-choice');
      if (select && choice && !choice.hasAttribute('aria-label')) {
        choice.setAttribute('aria-label', labelOf(select));
      }
    });
  }

  function start() {
    nameChoices(document);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (m) {
        Array.prototype.forEach.call(m.addedNodes, function (node) {
          if (node.nodeType === 1) { nameChoices(node.parentNode || node); }
        });
      });
    }).observe(document.body, {childList: true, subtree: true});
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
