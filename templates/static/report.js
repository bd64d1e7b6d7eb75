// The report page: while a report is being made, look again every few seconds so its links appear.
(function () {
  "use strict";
  if (document.querySelector("[data-pending]")) {
    window.setTimeout(function () { window.location.reload(); }, 4000);
  }
})();
