// The expo dashboard: read the figures again every few seconds (the number is on the page), while
// the page is visible; a hidden tab waits until it is shown again.
(function () {
  "use strict";
  var holder = document.querySelector("[data-refresh]");
  if (!holder) { return; }
  var seconds = Math.max(10, parseInt(holder.getAttribute("data-refresh"), 10) || 30);
  function later() {
    window.setTimeout(function () {
      if (document.visibilityState === "visible") { window.location.reload(); } else { later(); }
    }, seconds * 1000);
  }
  later();
})();
