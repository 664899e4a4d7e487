/* Copy buttons of the "Use this data" panel (templates/scn/snippets/use_this_data.html).
 *
 * <button data-module="scn-copy" data-module-target="ID" data-module-copied="Copied"> copies the
 * text of element ID and announces the result in the panel's status region (role=status).
 * The buttons are hidden until this runs, so without JavaScript only the selectable code shows.
 */
ckan.module('scn-copy', function ($) {
  'use strict';

  return {
    options: {
      target: null,
      copied: 'Copied',
      failed: 'Copy failed: select the text and copy it by hand'
    },

    initialize: function () {
      $.proxyAll(this, /_on/);
      this.el.prop('hidden', false).on('click', this._onClick);
    },

    _onClick: function (event) {
      event.preventDefault();
      var source = document.getElementById(this.options.target);
      if (!source) { return; }
      var text = source.textContent.trim();
      var done = this._onDone;
      var fail = this._onFail;
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, fail);
      } else {
        this.copyWithSelection(source) ? done() : fail();
      }
    },

    /* Fallback for plain-http pages, where the Clipboard API is not available. */
    copyWithSelection: function (source) {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      selection.removeAllRanges();
      return ok;
    },

    _onDone: function () { this.announce(this.options.copied); },
    _onFail: function () { this.announce(this.options.failed); },

    announce: function (text) {
      var status = this.el.closest('.scn-use-data').find('.scn-use-data-status');
      var button = this.el;
      status.text('');
      window.setTimeout(function () { status.text(text); }, 50);
      button.addClass('scn-copied');
      window.setTimeout(function () { button.removeClass('scn-copied'); }, 2000);
    }
  };
});
