/* Service worker of the public booth map: the map page and its files are kept in the Cache API once
   loaded, so a visitor can open the map in a hall without signal. The page itself is fetched from the
   network first (a fresh map whenever there is a connection) and falls back to the kept copy. */
"use strict";
var CACHE = "expo-map-v1";
var ASSETS = ["/static/app.css", "/static/map.css", "/static/map.js"];

function pageKey(request) {
  var url = new URL(request.url || request);
  return url.origin + url.pathname;  /* one copy per map, whatever ?hall= or #booth- was asked for */
}

self.addEventListener("install", function (event) {
  var page = self.registration.scope;  /* the map page itself, e.g. /e/<slug>/map */
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all([
        cache.addAll(ASSETS),
        fetch(page, { credentials: "same-origin" }).then(function (response) {
          if (response.ok) { return cache.put(pageKey(page), response); }
          return undefined;
        })
      ]);
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k.indexOf("expo-map-") === 0 && k !== CACHE; })
        .map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(pageKey(request), copy); });
        }
        return response;
      }).catch(function () {
        return caches.match(pageKey(request)).then(function (hit) { return hit || Response.error(); });
      })
    );
    return;
  }
  if (ASSETS.indexOf(url.pathname) >= 0) {
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      }).catch(function () { return caches.match(request); })
    );
  }
});
