// The gate staff's own page: its gate's counts, read again every 5 seconds.
"use strict";
(function () {
  const box = document.getElementById("staff-gate");
  if (!box) return;
  const $ = (id) => document.getElementById(id);
  const REASONS = JSON.parse(document.getElementById("gate-texts").textContent).reasons;
  async function refresh() {
    try {
      const response = await fetch(box.dataset.refresh, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const s = (await response.json()).stats;
      $("entries").textContent = s.entries_today; $("exits").textContent = s.exits_today;
      $("inside").textContent = s.inside_now; $("conflicts").textContent = s.conflicts;
      $("refused").replaceChildren(...Object.entries(s.refused_by_reason).map(([reason, n]) => {
        const tr = document.createElement("tr");
        [REASONS[reason] || reason, n].forEach((text) => { const td = document.createElement("td"); td.textContent = String(text); tr.append(td); });
        return tr;
      }));
    } catch (e) { /* next time */ }
  }
  setInterval(refresh, 5000);
})();
