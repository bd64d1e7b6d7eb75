// The exhibitor's lead scanner: each QR code the camera reads (camera.js, the gate's reader) or each
// code typed by hand is posted to /api/my/leads; the answer says saved, already saved or why not.
// Leads need the network (the contact is read on the server): offline, the page says so.
"use strict";
(function () {
  const $ = (s) => document.querySelector(s);
  const T = JSON.parse(document.getElementById("lead-texts").textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]');
  let busy = false;

  function show(kind, word, name, detail) {
    const box = $("#result");
    box.className = "lead-result " + kind; box.dataset.status = kind;
    $("#result-word").textContent = word; $("#result-name").textContent = name || ""; $("#result-detail").textContent = detail || "";
    box.hidden = false;
    if (navigator.vibrate) navigator.vibrate(kind === "refused" ? [200, 80, 200] : 80);
    clearTimeout(show.timer); show.timer = setTimeout(() => { box.hidden = true; }, 4000);
  }
  async function save(text) {
    text = text.trim(); if (!text || busy) return;
    busy = true;
    try {
      const headers = { "Content-Type": "application/json", Accept: "application/json" };
      if (csrf && csrf.content) headers["X-CSRFToken"] = csrf.content;
      const response = await fetch("/api/my/leads", { method: "POST", headers, body: JSON.stringify({ text: text.slice(0, 1024) }) });
      let body = {};
      try { body = await response.json(); } catch (e) { body = {}; }
      if (response.ok) {
        const detail = [body.organisation, body.with_contact ? T.with_contact : T.without_contact].filter(Boolean).join(" · ");
        show(body.new ? "saved" : "again", body.new ? T.saved : T.again, body.name, detail);
        $("#result").dataset.contact = body.with_contact ? "shared" : "none";
      } else {
        show("refused", T.refused, "", body.detail || T.unknown);
        $("#result").dataset.code = body.code || "";
      }
    } catch (e) {
      show("refused", T.refused, "", T.offline);
    } finally { busy = false; }
  }
  $("#scan-form").addEventListener("submit", (e) => { e.preventDefault(); const v = $("#scan-input").value; $("#scan-input").value = ""; save(v); });
  $("#camera-start").addEventListener("click", () => {
    $("#camera-start").hidden = true;
    window.qrCamera.start($("#camera"), save).catch(() => {
      $("#camera-start").hidden = false; $("#camera-start").disabled = true;
      $("#camera-error").textContent = T.camera_failed; $("#camera-error").hidden = false;
    });
  });
  $("#result").addEventListener("click", () => { $("#result").hidden = true; });
})();
