/* Small page helpers: live countdowns for held bookings, confirmation before destructive forms, "go back" links. */
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function format(seconds) {
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    return h > 0 ? h + ":" + pad(m) + ":" + pad(s) : pad(m) + ":" + pad(s);
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-countdown]").forEach(function (box) {
      var expires = Date.parse(box.getAttribute("data-expires"));
      if (isNaN(expires)) { return; }
      var left = Math.max(0, Math.round((expires - now) / 1000));
      var clock = box.querySelector("[data-countdown-clock]");
      if (clock) { clock.textContent = format(left); }
      if (left === 0 && !box.classList.contains("is-expired")) {
        box.classList.add("is-expired");
        var card = box.closest("[data-booking]");
        (card || box).querySelectorAll("[data-when-live]").forEach(function (el) { el.hidden = true; });
        (card || box).querySelectorAll("[data-when-expired]").forEach(function (el) { el.hidden = false; });
      }
    });
  }

  if (document.querySelector("[data-countdown]")) {
    tick();
    window.setInterval(tick, 1000);
  }

  // "Go back" links (error pages): back in history when there is one, else their own href.
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest && event.target.closest("[data-back]");
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
}());
