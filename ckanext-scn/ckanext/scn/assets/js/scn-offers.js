/* Price offers editor of the dataset form (templates/scheming/form_snippets/scn_pricing.html).
 *
 * - "Add offer" clones the panel <template>; "Remove" deletes a panel. Panels are renumbered
 *   after each change so the posted names stay pricing-0-..., pricing-1-... without gaps
 *   (scheming's expand_form_composite drops groups after a gap).
 * - Each panel shows only the fields its price model uses (options.fields, from
 *   logic/pricing.py); the others are hidden and disabled, so a value typed before switching
 *   to another model is kept in the page but not posted. Without a model all fields show.
 * - Changes are announced in the status region (role=status).
 */
ckan.module('scn-offers', function ($) {
  'use strict';

  return {
    options: {
      fields: {},      // {price_model: [field names shown]}
      field: 'pricing',
      added: 'Offer added',
      removed: 'Offer removed'
    },

    initialize: function () {
      $.proxyAll(this, /_on/);
      var template = this.el.children('template.scn-offer-template').get(0);
      this.template = template ? template.innerHTML : '';
      this.list = this.el.children('.scn-offers-list');
      this.status = this.el.children('.scn-offers-status');
      this.addButton = this.el.children('.scn-offer-add');

      this.addButton.prop('hidden', false).on('click', this._onAdd);
      this.el.on('click', '.scn-offer-remove', this._onRemove);
      this.el.on('change', this._modelSelector(), this._onModelChange);

      this.list.children('[data-scn-offer]').each(function (_, panel) {
        $(panel).find('.scn-offer-remove').prop('hidden', false);
        this.applyModel($(panel));
      }.bind(this));
      this.markErrors(this.el);
    },

    _modelSelector: function () {
      return 'select[name^="' + this.options.field + '-"][name$="-price_model"]';
    },

    _onAdd: function (event) {
      event.preventDefault();
      var index = this.list.children('[data-scn-offer]').length;
      var html = this.template
        .replace(/REPEATING-INDEX0/g, index)
        .replace(/REPEATING-INDEX1/g, index + 1);
      var panel = $(html);
      this.list.append(panel);
      panel.find('.scn-offer-remove').prop('hidden', false);
      panel.find('[data-module]').each(function () { ckan.module.initializeElement(this); });
      this.applyModel(panel);
      panel.find(this._modelSelector()).trigger('focus');
      this.announce(this.options.added);
    },

    _onRemove: function (event) {
      event.preventDefault();
      $(event.currentTarget).closest('[data-scn-offer]').remove();
      this.renumber();
      this.addButton.trigger('focus');
      this.announce(this.options.removed);
    },

    _onModelChange: function (event) {
      this.applyModel($(event.target).closest('[data-scn-offer]'));
    },

    /* Show the fields of the panel's price model, hide and disable the others. */
    applyModel: function (panel) {
      var model = panel.find(this._modelSelector()).val();
      var shown = this.options.fields[model];
      panel.find('[data-scn-offer-field]').each(function () {
        var wrapper = $(this);
        var name = wrapper.data('scnOfferField');
        var visible = !shown || name === 'price_model' || shown.indexOf(name) !== -1;
        wrapper.prop('hidden', !visible);
        wrapper.find('input, select, textarea').prop('disabled', !visible);
      });
    },

    /* Number panels 0..n-1 in names, ids, label targets and headings. */
    renumber: function () {
      var field = this.options.field;
      var pattern = new RegExp('^(field-)?' + field + '-(\\d+)-');
      this.list.children('[data-scn-offer]').each(function (index, panel) {
        var $panel = $(panel);
        $panel.attr('data-group-index', index).data('groupIndex', index);
        $panel.find('.scn-offer-number').text(index + 1);
        $panel.find('*').addBack().each(function () {
          var el = this;
          ['name', 'id', 'for', 'aria-labelledby', 'aria-describedby'].forEach(function (attr) {
            var value = el.getAttribute(attr);
            if (!value) { return; }
            var renamed = value.split(' ').map(function (token) {
              return token.replace(pattern, function (_, f) { return (f || '') + field + '-' + index + '-'; });
            }).join(' ');
            if (renamed !== value) { el.setAttribute(attr, renamed); }
          });
        });
      });
    },

    /* Tie server-side error messages to their inputs for screen readers. */
    markErrors: function (root) {
      root.find('.form-group.error').each(function () {
        var group = $(this);
        var message = group.find('.error-block').first();
        var control = group.find('input, select, textarea').first();
        if (!message.length || !control.length || !control.attr('id')) { return; }
        var id = control.attr('id') + '-error';
        message.attr('id', id);
        control.attr('aria-invalid', 'true');
        control.attr('aria-describedby', ((control.attr('aria-describedby') || '') + ' ' + id).trim());
      });
    },

    announce: function (text) {
      var status = this.status;
      status.text('');
      window.setTimeout(function () { status.text(text); }, 50);
    }
  };
});
