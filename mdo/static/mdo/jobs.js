// A job's page follows its progress: the JSON state is read every two seconds, the bar and the count
// move, and the page reloads once the job has ended (to show its file or its outcome).
(function () {
  var section = document.querySelector('[data-job-status-url]');
  if (!section) { return; }
  var url = section.getAttribute('data-job-status-url');
  var bar = section.querySelector('progress');
  var percent = section.querySelector('[data-job-percent]');
  var rows = section.querySelector('[data-job-rows]');
  function poll() {
    fetch(url, { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { return; }
        if (state.finished) { window.location.reload(); return; }
        bar.value = state.percent;
        bar.textContent = state.percent + ' %';
        percent.textContent = state.percent;
        rows.textContent = state.total ? state.done + ' sur ' + state.total : state.status_label;
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
