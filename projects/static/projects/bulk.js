// The bulk status form of the projects list: Bootstrap classes on its fields, "select all" box.
document.querySelectorAll('#bulk-form select, #bulk-form input[type=text]').forEach(function (el) { el.classList.add(el.tagName === 'SELECT' ? 'form-select' : 'form-control'); });
var all = document.querySelector('[data-select-all]');
if (all) { all.addEventListener('change', function () { document.querySelectorAll('input[name=projects]').forEach(function (box) { box.checked = all.checked; }); }); }
