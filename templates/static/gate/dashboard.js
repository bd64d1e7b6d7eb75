// The live gate dashboard: server-sent events of the numbers, sent when a check-in is announced on the
// expo's channel (any worker) and re-read from the database every few seconds anyway.
"use strict";
(function () {
  const dash = document.getElementById("dash"), expo = dash.dataset.expo;
  const $ = (id) => document.getElementById(id);
  function table(el, rows) {
    el.replaceChildren(...rows.map((cells) => {
      const tr = document.createElement("tr");
      cells.forEach((c) => { const td = document.createElement("td"); td.textContent = String(c); tr.append(td); });
      return tr;
    }));
  }
  function render(s) {
    $("inside").textContent = s.inside_now; $("entries").textContent = s.entries_today;
    $("exits").textContent = s.exits_today; $("conflicts").textContent = s.conflicts;
    const top = Math.max(1, ...s.per_hour);
    $("hours").replaceChildren(...s.per_hour.map((n, h) => {
      const bar = document.createElement("div"), label = document.createElement("span");
      bar.style.height = (100 * n / top) + "%"; bar.title = h + ":00 — " + n; label.textContent = h % 3 ? "" : h;
      bar.append(label); return bar;
    }));
    table($("gates"), Object.entries(s.per_gate).map(([g, v]) => [g, "↓ " + v.entries, "↑ " + v.exits]));
    table($("kinds"), Object.entries(s.per_kind));
    table($("refused"), Object.entries(s.refused_by_reason).map(([r, n]) => [said(r), n]));
    $("live").textContent = new Date().toLocaleTimeString();
  }
  // The reason names come translated from the catalogs, in the page's JSON data block.
  const TEXTS = JSON.parse(document.getElementById("gate-texts").textContent), REASONS = TEXTS.reasons;
  const said = (reason) => REASONS[reason] || reason;
  const csrf = () => document.querySelector('meta[name="csrf-token"]').content;
  const post = (path, body) => fetch(path, {
    method: "POST", headers: { "X-CSRFToken": csrf(), "Content-Type": "application/json" }, body: JSON.stringify(body || {}),
  });
  const scans = $("scans"), clock = new Intl.DateTimeFormat(undefined, {
    hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: dash.dataset.timezone || "Asia/Jakarta",
  });
  async function loadScans() {
    const response = await fetch("/api/expos/" + expo + "/scans?limit=30");
    if (!response.ok) return;
    scans.replaceChildren(...(await response.json()).map((s) => {
      const tr = document.createElement("tr");
      tr.className = s.annulled ? "annulled" : s.status;
      tr.dataset.clockSkewed = s.clock_skewed ? "1" : "0";
      const flags = [s.offline ? scans.dataset.offline : "", s.conflict ? scans.dataset.conflict : "",
        s.clock_skewed ? TEXTS.clock_skewed : "",
        s.annulled ? scans.dataset.annulled + (s.annul_reason ? ": " + s.annul_reason : "") : ""].filter(Boolean).join(", ");
      [clock.format(new Date(s.scanned_at)), s.gate, s.direction === "entry" ? "↓" : "↑", said(s.reason),
        [s.holder_name, s.pass_code].filter(Boolean).join(" · "), flags].forEach((text) => {
        const td = document.createElement("td"); td.textContent = text || ""; tr.append(td);
      });
      const cell = document.createElement("td");
      if (!s.annulled) {
        const button = document.createElement("button");
        button.type = "button"; button.textContent = scans.dataset.annul;
        button.addEventListener("click", async () => {
          const reason = (prompt(scans.dataset.ask) || "").trim().slice(0, 200);
          if (reason && (await post("/api/scans/" + s.scan_id + "/annul", { reason })).ok) loadScans();
        });
        cell.append(button);
      }
      tr.append(cell);
      return tr;
    }));
  }
  const source = new EventSource("/api/expos/" + expo + "/checkins/stream");
  source.addEventListener("stats", (e) => { render(JSON.parse(e.data)); loadScans(); });
  $("close-day").addEventListener("click", async () => {
    if (!confirm($("close-day").textContent + "?")) return;
    await post("/api/expos/" + expo + "/checkins/close-day");
  });
  $("reset").addEventListener("click", async () => {
    if ((prompt($("reset").dataset.ask) || "").trim().toLowerCase() !== "reset") return;
    if ((await post("/api/expos/" + expo + "/checkins/reset", { confirm: "reset" })).ok) loadScans();
  });
})();
