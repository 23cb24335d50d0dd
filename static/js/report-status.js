// Polls the report's status URL and reloads the page when the report is finished.
// A static file: the CSP forbids inline scripts.
(function () {
  "use strict";
  var box = document.getElementById("report-status");
  if (!box || box.getAttribute("data-running") !== "1") { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("report-progress");
  var label = document.getElementById("report-status-label");
  var percent = document.getElementById("report-progress-label");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.value = data.progress;
        bar.textContent = data.progress + "%";
        percent.textContent = data.progress;
        label.textContent = data.status_label;
        if (data.done) { window.location.reload(); } else { window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
