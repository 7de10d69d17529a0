// Type-ahead pickers: every <select data-picker-url> becomes a Tom Select fed by the app's JSON
// endpoint (/choix/<kind>/?q=…), which answers only what the user may see. Each choice shows its
// context (district and edition of a project, what remains on a budget line, an organisation's kind).
// Kept in a static file so that the Content-Security-Policy allows no inline script.
(function () {
  if (!window.TomSelect) { return; }

  function escapeHtml(text) {
    return String(text == null ? '' : text).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }

  function setUp(select) {
    var url = select.getAttribute('data-picker-url');
    var params = select.getAttribute('data-picker-params');
    // The values of the server's last answer: the list shows those, in its order. Options are never
    // cleared (clearing them while a choice is made can leave the form's <select> without its value).
    var latest = null;
    var multiple = select.multiple;
    var picker = new window.TomSelect(select, {
      // Several choices (invitees): each chosen one is a tag with its own remove button, and the list
      // stays open to pick the next one.
      plugins: multiple ? {remove_button: {title: 'Retirer'}} : [],
      valueField: 'value',
      labelField: 'text',
      searchField: ['text', 'context'],
      placeholder: select.getAttribute('data-picker-placeholder') || '',
      maxOptions: 30,
      preload: 'focus',
      loadThrottle: 250,
      // The list is refreshed at each keystroke, not on a timer: a timer still running after a quick
      // choice (type, Enter, Tab) would reopen the list and take the focus back from the next field.
      refreshThrottle: 0,
      allowEmptyOption: !select.required,
      // The server already matched (accents, identifiers, scope): show what it sent, in its order.
      score: function () {
        return function (item) { return latest === null || latest.has(String(item.value)) ? 1 : 0; };
      },
      shouldLoad: function () { return true; },
      load: function (query, callback) {
        var address = url + '?q=' + encodeURIComponent(query) + (params ? '&' + params : '');
        fetch(address, {headers: {'Accept': 'application/json'}, credentials: 'same-origin'})
          .then(function (response) { return response.json(); })
          .then(function (data) {
            var results = data.results || [];
            latest = new Set(results.map(function (result) { return String(result.value); }));
            callback(results);
          })
          .catch(function () { callback(); });
      },
      render: {
        option: function (item) {
          return '<div><span class="picker-text">' + escapeHtml(item.text) + '</span>' +
            (item.context ? '<span class="picker-context">' + escapeHtml(item.context) + '</span>' : '') + '</div>';
        },
        item: function (item) {
          return '<div>' + escapeHtml(item.text) +
            (item.context ? ' <span class="picker-context-inline">— ' + escapeHtml(item.context) + '</span>' : '') + '</div>';
        },
        no_results: function () { return '<div class="no-results">Aucun choix ne correspond.</div>'; },
        loading: function () { return '<div class="spinner-border spinner-border-sm m-2" role="status"><span class="visually-hidden">Chargement…</span></div>'; }
      }
    });
    // Tom Select ignores a blur while the document itself has no focus (a window in the background):
    // it would then still think it has the focus, and the answer to the last keystroke would reopen its
    // list and take the focus back from the next field. Leaving the picker always closes it.
    picker.wrapper.addEventListener('focusout', function (event) {
      var next = event.relatedTarget;
      if (next && (picker.wrapper.contains(next) || picker.dropdown.contains(next))) { return; }
      if (picker.isFocused) {
        picker.isFocused = false;
        picker.close();
        picker.refreshState();
      }
    });
    // The label now names Tom Select's combobox; the original <select> stays only to carry the value
    // with the form, out of the tab order (Tom Select sets tabindex=-1) and out of the accessibility tree.
    select.setAttribute('aria-hidden', 'true');
    return picker;
  }

  document.querySelectorAll('select[data-picker-url]').forEach(setUp);
})();
