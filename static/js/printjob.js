// Polls a background print job and moves its progress bar; shows the download link when done.
(function () {
  "use strict";
  var box = document.querySelector(".print-job");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = box.querySelector("progress");
  var done = box.querySelector(".job-done");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        if (!bar.hasAttribute("data-indeterminate") || job.status === "done") {
          bar.value = job.percent;
          bar.textContent = job.percent + " %";
        }
        done.textContent = job.done;
        if (job.status === "done") {
          box.querySelector(".job-ready").hidden = false;
        } else if (job.status === "failed") {
          box.querySelector(".job-error").textContent = job.error || "";
          box.querySelector(".job-failed").hidden = false;
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  if (box.querySelector(".job-ready").hidden) { poll(); }
})();
