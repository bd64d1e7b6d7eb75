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
    table($("refused"), Object.entries(s.refused_by_reason));
    $("live").textContent = new Date().toLocaleTimeString();
  }
  const source = new EventSource("/api/expos/" + expo + "/checkins/stream");
  source.addEventListener("stats", (e) => render(JSON.parse(e.data)));
  $("close-day").addEventListener("click", async () => {
    if (!confirm($("close-day").textContent + "?")) return;
    const csrf = document.querySelector('meta[name="csrf-token"]').content;
    await fetch("/api/expos/" + expo + "/checkins/close-day", { method: "POST", headers: { "X-CSRFToken": csrf } });
  });
})();
