// matchmaker's service worker: keeps what a buyer opened (agenda, badge, lot pages, their
// styles and QR images) readable without a network. Pages come from the network first and
// are kept as they arrive; only when the network fails does the kept copy answer.
"use strict";

var CACHE = "matchmaker-buyer-v1";
var KEPT = [
  /^\/agenda\/$/,
  /^\/qr\/badge$/,
  /^\/lots\/[^/]+$/,
  /^\/qr\/[A-Za-z0-9_-]+\.svg$/,
  /^\/static\//
];

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== CACHE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && url.pathname === "/logout") {
    // A shared phone: what the buyer kept goes with the log-out.
    event.waitUntil(caches.delete(CACHE));
    return;
  }
  if (request.method !== "GET" || !KEPT.some(function (re) { return re.test(url.pathname); })) {
    return;
  }
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && response.type === "basic") {
      var copy = response.clone();
      event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.put(request, copy); }));
    }
    return response;
  }).catch(function () {
    return caches.match(request, { ignoreVary: true }).then(function (kept) {
      return kept || Response.error();
    });
  }));
});
