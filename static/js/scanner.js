// Badge scanner for reps: reads QR badges with the camera (BarcodeDetector, else the vendored
// jsQR), or takes a typed code, and sends each scan to the server. Scans go through a queue
// in localStorage first, each with its own random key, so that nothing is lost while the
// venue Wi-Fi is down and a scan re-sent after a lost answer is not counted twice.
(function () {
  "use strict";
  var root = document.querySelector(".scanner");
  if (!root) { return; }

  // Pages that reuse the scanner (entrance check-in) keep their own queue.
  var QUEUE_KEY = root.getAttribute("data-queue-key") || "mm-badge-queue";
  var RETRY_MS = 15000;
  var SAME_CODE_PAUSE_MS = 4000;
  var scanUrl = root.getAttribute("data-scan-url");
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var statusLine = root.querySelector(".scanner-status");
  var queueLine = root.querySelector(".scanner-queue");
  var queueCount = root.querySelector(".scanner-queue-count");
  var results = root.querySelector(".scanner-results");
  var flushing = false;

  function message(name) { return root.getAttribute("data-msg-" + name) || ""; }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function readQueue() {
    try { return JSON.parse(window.localStorage.getItem(QUEUE_KEY) || "[]"); }
    catch (error) { return []; }
  }

  function writeQueue(queue) {
    window.localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
    queueCount.textContent = String(queue.length);
    queueLine.hidden = queue.length === 0;
  }

  function removeFromQueue(key) {
    writeQueue(readQueue().filter(function (item) { return item.client_key !== key; }));
  }

  function say(text) { statusLine.textContent = text; }

  function addResult(text, url) {
    var item = document.createElement("li");
    if (url) {
      var link = document.createElement("a");
      link.href = url;
      link.textContent = text;
      item.appendChild(link);
    } else {
      item.textContent = text;
    }
    results.insertBefore(item, results.firstChild);
  }

  function send(item) {
    return fetch(scanUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": csrfToken },
      body: JSON.stringify(item)
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.redirected || type.indexOf("application/json") === -1) {
        // Logged out or a captive portal: keep the scan for later.
        throw new Error("not-json");
      }
      return response.json().then(function (body) {
        if (response.status >= 500) { throw new Error("server"); }
        return { ok: response.ok, body: body };
      });
    });
  }

  function flush() {
    if (flushing) { return; }
    var queue = readQueue();
    writeQueue(queue);
    if (!queue.length || navigator.onLine === false) { return; }
    flushing = true;
    var item = queue[0];
    send(item).then(function (result) {
      removeFromQueue(item.client_key);
      if (result.ok) {
        var body = result.body;
        var label = message("saved").replace("{name}", body.buyer) +
          (body.company ? " · " + body.company : "") + (body.note ? " · " + body.note : "");
        say(label);
        addResult(label, body.url);
      } else {
        // Refused for good (unknown or replaced code, not exhibiting): do not retry.
        var text = (result.body.error && result.body.error.message) || message("error");
        say(text);
        addResult(item.code + " — " + text, null);
      }
      flushing = false;
      flush();
    }).catch(function () {
      flushing = false;
      say(message("queued"));
    });
  }

  function submitCode(code) {
    code = (code || "").trim();
    if (!code) { return; }
    var queue = readQueue();
    queue.push({ client_key: newKey(), code: code, scanned_at: new Date().toISOString() });
    writeQueue(queue);
    if (navigator.onLine === false) { say(message("queued")); }
    flush();
  }

  // Manual entry: without JavaScript the form posts normally; with it, it joins the queue.
  var form = root.querySelector(".scanner-manual");
  var input = form.querySelector('input[name="code"]');
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    submitCode(input.value);
    input.value = "";
    input.focus();
  });

  window.addEventListener("online", flush);
  window.setInterval(flush, RETRY_MS);
  flush();

  // Camera ---------------------------------------------------------------------------------
  var cameraBox = root.querySelector(".scanner-camera");
  var startButton = root.querySelector(".scanner-start");
  var stopButton = root.querySelector(".scanner-stop");
  var video = root.querySelector(".scanner-video");
  var canvas = root.querySelector(".scanner-canvas");
  var stream = null;
  var detector = null;
  var lastCode = "";
  var lastAt = 0;

  if (!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)) { return; }
  startButton.hidden = false;

  function loadJsQR() {
    if (window.jsQR) { return Promise.resolve(); }
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = root.getAttribute("data-decoder-url");
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function found(code) {
    var now = Date.now();
    if (code === lastCode && now - lastAt < SAME_CODE_PAUSE_MS) { return; }
    lastCode = code;
    lastAt = now;
    if (navigator.vibrate) { navigator.vibrate(80); }
    submitCode(code);
  }

  function tick() {
    if (!stream) { return; }
    if (video.readyState < 2) { window.setTimeout(tick, 200); return; }
    var next = function () { window.setTimeout(tick, 250); };
    if (detector) {
      detector.detect(video).then(function (codes) {
        if (codes.length) { found(codes[0].rawValue); }
      }).catch(function () {}).then(next);
      return;
    }
    var width = video.videoWidth;
    var height = video.videoHeight;
    // Decoding a reduced frame is fast enough on old phones and reads badge-size codes.
    var scale = Math.min(1, 640 / Math.max(width, height));
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    var context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    var image = context.getImageData(0, 0, canvas.width, canvas.height);
    var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
    if (code && code.data) { found(code.data); }
    next();
  }

  function stop() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    cameraBox.hidden = true;
    startButton.hidden = false;
  }

  startButton.addEventListener("click", function () {
    var ready = ("BarcodeDetector" in window)
      ? Promise.resolve().then(function () { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); })
      : loadJsQR();
    ready.then(function () {
      return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    }).then(function (media) {
      stream = media;
      video.srcObject = media;
      cameraBox.hidden = false;
      startButton.hidden = true;
      return video.play();
    }).then(tick).catch(function () {
      stop();
      say(message("camera"));
      input.focus();
    });
  });
  stopButton.addEventListener("click", stop);
  window.addEventListener("pagehide", stop);
})();
