// Behaviour shared by every page, kept out of the HTML so that the Content-Security-Policy allows no inline script.
// A form with data-confirm="…" asks before it is sent.
document.addEventListener('submit', function (event) {
  var message = event.target.getAttribute && event.target.getAttribute('data-confirm');
  if (message && !window.confirm(message)) { event.preventDefault(); }
});
