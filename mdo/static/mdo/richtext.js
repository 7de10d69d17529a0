// A rich-text toolbar (Quill, vendored in vendor/quill) for every <textarea data-richtext>: bold, italic,
// lists, links, quotes. The textarea stays in the form, hidden, and holds the editor's HTML at each change,
// so the form sends what is typed and the unsaved-changes warning hears it. The server keeps only the tags
// its sanitiser allows (mdo/richtext.py), so what the editor produces is what the reader sees.
// Kept in a static file: the Content-Security-Policy allows no inline script.
(function () {
  if (!window.Quill) { return; }

  var LABELS = {
    bold: 'Gras', italic: 'Italique', underline: 'Souligné', link: 'Lien', blockquote: 'Citation',
    'list:ordered': 'Liste numérotée', 'list:bullet': 'Liste à puces', clean: 'Effacer la mise en forme'
  };

  function setUp(textarea) {
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    if (label && !label.id) { label.id = textarea.id + '-label'; }
    var host = document.createElement('div');
    host.className = 'richtext-editor';
    textarea.insertAdjacentElement('afterend', host);
    var quill = new window.Quill(host, {
      theme: 'snow',
      formats: ['bold', 'italic', 'underline', 'link', 'list', 'blockquote'],
      modules: {toolbar: [['bold', 'italic', 'underline'], [{list: 'ordered'}, {list: 'bullet'}], ['blockquote', 'link'], ['clean']]}
    });
    if (textarea.value.trim()) {
      var html = /<[a-zA-Z\/!]/.test(textarea.value) ? textarea.value : textarea.value.replace(/[&<>]/g, function (c) {
        return {'&': '&amp;', '<': '&lt;', '>': '&gt;'}[c];
      }).split(/\n{2,}/).map(function (para) { return '<p>' + para.replace(/\n/g, '<br>') + '</p>'; }).join('');
      quill.setContents(quill.clipboard.convert({html: html}), 'silent');
    }
    // The editor is the field people use: named by the field's label and described by its help text.
    var editor = quill.root;
    editor.setAttribute('role', 'textbox');
    editor.setAttribute('aria-multiline', 'true');
    if (label) { editor.setAttribute('aria-labelledby', label.id); }
    var described = textarea.getAttribute('aria-describedby');
    if (described) { editor.setAttribute('aria-describedby', described); }
    var toolbar = host.previousElementSibling;
    toolbar.setAttribute('role', 'toolbar');
    toolbar.setAttribute('aria-label', 'Mise en forme' + (label ? ' : ' + label.textContent.trim() : ''));
    toolbar.querySelectorAll('button').forEach(function (button) {
      var name = button.className.replace(/^ql-/, '').split(' ')[0];
      var key = button.value ? name + ':' + button.value : name;
      if (LABELS[key]) { button.setAttribute('aria-label', LABELS[key]); button.title = LABELS[key]; }
    });
    var linkInput = host.querySelector('.ql-tooltip input');
    if (linkInput) { linkInput.setAttribute('aria-label', 'Adresse du lien'); }
    // The hidden textarea only carries the value with the form.
    textarea.classList.add('visually-hidden');
    textarea.setAttribute('tabindex', '-1');
    textarea.setAttribute('aria-hidden', 'true');
    quill.on('text-change', function () {
      // Quill writes spaces as &nbsp; in its HTML; plain spaces read the same and keep the text searchable.
      textarea.value = quill.getLength() > 1 ? quill.getSemanticHTML().replace(/&nbsp;/g, ' ') : '';
      textarea.dispatchEvent(new Event('input', {bubbles: true}));
    });
    if (label) { label.addEventListener('click', function () { quill.focus(); }); }
  }

  document.querySelectorAll('textarea[data-richtext]').forEach(setUp);
})();
