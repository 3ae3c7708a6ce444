// Roundtable run progress: poll the run's JSON every second, update the <progress> bar and
// the live text, and show the timetable when the run ends. Without JS the page refreshes itself.
(function () {
  "use strict";
  var box = document.querySelector(".run-progress[data-progress-url]");
  if (!box) { return; }
  var bar = document.getElementById("run-progress-bar");
  var text = document.getElementById("run-progress-text");
  var url = box.getAttribute("data-progress-url");
  var doneUrl = box.getAttribute("data-done-url");
  var lastText = "";

  function tick() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (run) {
        if (!run) { window.setTimeout(tick, 3000); return; }
        bar.value = run.progress;
        bar.textContent = Math.round(run.progress * 100) + " %";
        var message = Math.round(run.progress * 100) + " %" + (run.text ? " · " + run.text : "");
        if (message !== lastText) { text.textContent = message; lastText = message; }
        if (run.finished) { window.location.assign(doneUrl); return; }
        window.setTimeout(tick, 1000);
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, 1000);
})();
