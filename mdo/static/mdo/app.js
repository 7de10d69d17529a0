// Behaviour shared by every page, kept out of the HTML so that the Content-Security-Policy allows no inline script.
// A form with data-confirm="…" asks before it is sent.
document.addEventListener('submit', function (event) {
  var message = event.target.getAttribute && event.target.getAttribute('data-confirm');
  if (message && !window.confirm(message)) { event.preventDefault(); }
});

// Ctrl+K (or Cmd+K) and "/" put the cursor in the navigation's search box; "/" only when not typing elsewhere.
document.addEventListener('keydown', function (event) {
  var box = document.getElementById('nav-search-q');
  if (!box) { return; }
  var target = event.target;
  var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  if (((event.ctrlKey || event.metaKey) && (event.key === 'k' || event.key === 'K')) || (event.key === '/' && !typing)) {
    event.preventDefault();
    var collapsed = box.closest('.collapse:not(.show)');
    if (collapsed && window.bootstrap) { window.bootstrap.Collapse.getOrCreateInstance(collapsed).show(); }
    box.focus();
    box.select();
  }
});

// A button with data-copy-target="<id>" copies that field's value (a feed address) and says so.
document.addEventListener('click', function (event) {
  var button = event.target.closest && event.target.closest('[data-copy-target]');
  if (!button) { return; }
  var id = button.getAttribute('data-copy-target');
  var field = document.getElementById(id);
  var status = document.querySelector('[data-copy-status="' + id + '"]');
  if (!field) { return; }
  var done = function () {
    var label = button.getAttribute('data-label') || button.textContent;
    button.setAttribute('data-label', label);
    button.textContent = button.getAttribute('data-copied-text') || 'Copié';
    if (status) { status.textContent = button.textContent; }
    window.setTimeout(function () { button.textContent = label; }, 2500);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, function () { field.select(); document.execCommand('copy'); done(); });
  } else {
    field.select();
    document.execCommand('copy');
    done();
  }
});
// A form marked data-unsaved-warning asks before the page is left with changes not yet sent (fields
// joined to it by their form="…" attribute count too); sending the form clears the warning.
(function () {
  var changed = new Set();
  function watched(target) {
    var form = target && target.form;
    return form && form.hasAttribute('data-unsaved-warning') ? form : null;
  }
  ['input', 'change'].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var form = watched(event.target);
      if (form) { changed.add(form); }
    });
  });
  document.addEventListener('submit', function (event) {
    if (!event.defaultPrevented) { changed.clear(); }
  });
  window.addEventListener('beforeunload', function (event) {
    if (changed.size) {
      event.preventDefault();
      event.returnValue = '';
    }
  });
}());
