/* Keyboard access to ckanext-spatial's "draw an extent" button: the widget makes it an <a>
   without href, which the tab key skips. Once the map has drawn it, give it an href, a button
   role and a translated label. Leaflet's own click handler still opens the drawing dialog. */
this.ckan.module('scn-spatial-filter', function ($) {
  return {
    options: { draw_label: 'Draw a search area' },

    initialize: function () {
      var label = this.options.draw_label;
      var root = this.el[0];
      var enhance = function () {
        $(root).find('.leaflet-control-custom-button:not([href])').each(function () {
          $(this).attr({ href: '#', role: 'button', title: label, 'aria-label': label })
            .on('click', function (event) { event.preventDefault(); })
            .find('i').attr('aria-hidden', 'true');
        });
      };
      new MutationObserver(enhance).observe(root, { childList: true, subtree: true });
      enhance();
    }
  };
});
