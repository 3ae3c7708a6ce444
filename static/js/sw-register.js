// Registers the service worker (static/js/sw.js, served at the address in data-sw).
(function () {
  "use strict";
  var script = document.currentScript;
  if ("serviceWorker" in navigator && script) {
    navigator.serviceWorker.register(script.getAttribute("data-sw")).catch(function () {});
  }
})();
