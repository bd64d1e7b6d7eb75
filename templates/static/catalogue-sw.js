/* Service worker of the public catalogue: every catalogue page a visitor opened (the directory, a
   search, a profile) and its small pictures are kept in the Cache API, so they read again without
   signal. Pages come from the network first (fresh whenever there is a connection) and fall back to
   the kept copy; an unvisited search offline falls back to the directory's first page. Pictures never
   change under their address (a new upload gets a new one), so a kept copy is used first. */
"use strict";
var CACHE = "expo-catalogue-v1";
var PICTURES = "expo-catalogue-pictures-v1";
var MAX_PICTURES = 300;  /* a cheap phone's storage is small: keep the latest few hundred pictures */
var ASSETS = ["/static/app.css", "/static/catalogue.css", "/static/catalogue.js"];
var PICTURE_PREFIX = "/catalogue/images/";

function directoryKey() { return self.registration.scope.replace(/\/$/, ""); }

function pageKey(request) {
  var url = new URL(request.url || request);
  url.searchParams.delete("via");  /* ?via=sign: the same profile page */
  url.searchParams.sort();
  return url.origin + url.pathname + (url.search || "");
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all([
        cache.addAll(ASSETS),
        fetch(directoryKey(), { credentials: "same-origin" }).then(function (response) {
          if (response.ok) { return cache.put(directoryKey(), response); }
          return undefined;
        })
      ]);
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) {
        return k.indexOf("expo-catalogue-") === 0 && k !== CACHE && k !== PICTURES;
      }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function trimPictures(cache) {
  return cache.keys().then(function (keys) {
    var extra = keys.length - MAX_PICTURES;
    return Promise.all(keys.slice(0, Math.max(0, extra)).map(function (k) { return cache.delete(k); }));
  });
}

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
        return caches.match(pageKey(request)).then(function (hit) {
          return hit || caches.match(directoryKey()).then(function (list) { return list || Response.error(); });
        });
      })
    );
    return;
  }
  if (url.pathname.indexOf(PICTURE_PREFIX) === 0) {
    event.respondWith(
      caches.open(PICTURES).then(function (cache) {
        return cache.match(request).then(function (hit) {
          if (hit) { return hit; }
          return fetch(request).then(function (response) {
            if (response.ok) { cache.put(request, response.clone()).then(function () { return trimPictures(cache); }); }
            return response;
          });
        });
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
