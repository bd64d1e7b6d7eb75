/* The public catalogue: register the service worker that keeps the pages and pictures a visitor
   opened, so that they can be read again in a hall without signal. The pages need no other script. */
(function () {
  "use strict";
  var script = document.getElementById("c-script");
  var note = document.getElementById("c-offline");
  if (!("serviceWorker" in navigator) || !script) { return; }
  navigator.serviceWorker.register(script.getAttribute("data-sw"), { scope: script.getAttribute("data-scope") })
    .then(function (registration) {
      var worker = registration.active || registration.waiting || registration.installing;
      function ready() { if (note) { note.hidden = false; } }
      if (registration.active) { ready(); } else if (worker) {
        worker.addEventListener("statechange", function () { if (worker.state === "activated") { ready(); } });
      }
    })
    .catch(function () { /* private mode or plain http: the catalogue still works online */ });
}());
