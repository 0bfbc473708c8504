/* CPMS – the progress of a certificate batch, refreshed every two seconds; the page reloads when it ends.
   Without JavaScript the page refreshes itself (meta refresh in <noscript>). */
(function () {
  "use strict";
  var box = document.getElementById("batch");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return window.setTimeout(poll, 5000); }
        document.getElementById("batch-progress").value = data.percent;
        document.getElementById("batch-percent").textContent = data.percent;
        document.getElementById("batch-label").textContent = data.label;
        if (data.status === "done" || data.status === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
