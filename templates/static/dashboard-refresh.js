// The expo dashboard, live: an event stream says "changed" when a pass is scanned, sales are entered
// or a payment is recorded (on any server), and the page fetches its figures again (only the board,
// not the page). The stream carries no figures, so the numbers always come from the server's data.
// Whatever the stream does, the board is fetched again every data-refresh seconds (a dropped stream,
// a lost notice); a dropped stream is opened again. A hidden tab fetches nothing until shown again.
(function () {
  "use strict";
  var note = document.querySelector("[data-refresh]");
  var board = document.getElementById("board");
  if (!note || !board) { return; }
  var seconds = Math.max(10, parseInt(note.getAttribute("data-refresh"), 10) || 30);
  var boardUrl = note.getAttribute("data-board");
  var streamUrl = note.getAttribute("data-stream");
  var busy = false, again = false, timer = null, retryMs = 2000, source = null;

  function visible() { return document.visibilityState === "visible"; }
  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { reread(); }, seconds * 1000);
  }
  // One fetch at a time: what changes during a fetch makes one more fetch after it, not one each.
  function reread() {
    schedule();
    if (!visible()) { again = true; return; }
    if (busy) { again = true; return; }
    busy = true; again = false;
    fetch(boardUrl, { credentials: "same-origin", headers: { "Accept": "text/html" }, cache: "no-store" })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) { window.location.reload(); return null; }
        return response.ok ? response.text() : null;
      })
      .then(function (html) { if (html !== null && html !== undefined) { board.innerHTML = html; } })
      .catch(function () { /* offline for a moment: the timer or the next event tries again */ })
      .then(function () {
        busy = false;
        if (again) { window.setTimeout(reread, 500); }
      });
  }
  function listen() {
    if (!streamUrl || !window.EventSource) { return; }
    source = new EventSource(streamUrl);
    source.addEventListener("open", function () {
      note.setAttribute("data-live", "1"); retryMs = 2000;
      reread(); // whatever changed while the stream was down
    });
    source.addEventListener("changed", function () { reread(); });
    source.addEventListener("error", function () {
      note.setAttribute("data-live", "0");
      // The browser reconnects by itself after a dropped connection, but gives up for good on an
      // error answer (a restart, a lost session): then open it again, a little later each time.
      if (source.readyState === EventSource.CLOSED) {
        source = null;
        window.setTimeout(listen, retryMs);
        retryMs = Math.min(retryMs * 2, 60000);
      }
    });
  }
  document.addEventListener("visibilitychange", function () { if (visible() && again) { reread(); } });
  schedule();
  listen();
})();
