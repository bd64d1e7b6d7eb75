/* The public booth map: search an exhibitor, product or booth and highlight it; tap a booth for the
   exhibitor's details; filter by product cluster; show facilities; keep the map for offline use.
   Without this script the page still shows every hall (tabs reload with ?hall=). */
(function () {
  "use strict";
  var dataEl = document.getElementById("m-data");
  if (!dataEl) { return; }
  var data = JSON.parse(dataEl.textContent);
  var words = JSON.parse((document.getElementById("m-text") || {}).textContent || "{}");
  var panel = document.getElementById("m-panel");
  var input = document.getElementById("m-q");
  var results = document.getElementById("m-results");
  var none = document.getElementById("m-none");
  var clusterNames = {};
  data.clusters.forEach(function (c) { clusterNames[c.code] = c.name; });

  var entries = [];
  data.halls.forEach(function (hall) {
    hall.booths.forEach(function (booth) {
      var ex = booth.exhibitor;
      var text = [booth.code, clusterNames[booth.cluster] || ""];
      if (ex) { text.push(ex.name, ex.pesantren || "", ex.products || "", ex.regency || ""); }
      var members = (booth.co_exhibitors || []).map(function (co) {
        return { name: co.name, text: fold([co.name, co.pesantren || "", co.products || "", co.regency || ""].join(" ")) };
      });
      members.forEach(function (m) { text.push(m.text); });
      entries.push({ hall: hall, booth: booth, members: members, text: fold(text.join(" ")) });
    });
  });

  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  function showHall(code) {
    document.querySelectorAll(".m-hall").forEach(function (el) { el.hidden = el.getAttribute("data-hall") !== code; });
    document.querySelectorAll("[data-hall-tab]").forEach(function (tab) {
      tab.setAttribute("aria-selected", tab.getAttribute("data-hall-tab") === code ? "true" : "false");
    });
  }

  function boothEl(code) { return document.getElementById("booth-" + code); }

  function clearFound() {
    document.querySelectorAll(".is-found").forEach(function (el) { el.classList.remove("is-found"); });
  }

  function openPanel(entry) {
    var ex = entry.booth.exhibitor;
    var slots = {
      code: (words.booth || "Booth") + " " + entry.booth.code,
      hall: entry.hall.name,
      name: ex ? ex.name : "",
      pesantren: ex && ex.pesantren ? ex.pesantren : "",
      products: ex ? ex.products : "",
      cluster: clusterNames[entry.booth.cluster] || "",
      regency: ex ? ex.regency : ""
    };
    var shared = ex ? entry.booth.co_exhibitors || [] : [];
    panel.querySelectorAll("[data-slot]").forEach(function (el) {
      var key = el.getAttribute("data-slot");
      if (key === "members") { fillMembers(el, shared, entry.found); return; }
      if (key === "whatsapp") {
        var digits = ex ? String(ex.whatsapp).replace(/\D/g, "") : "";
        el.href = digits ? "https://wa.me/" + digits : "#";
        el.hidden = !digits;
        return;
      }
      el.textContent = slots[key] || "";
    });
    panel.querySelectorAll("[data-when]").forEach(function (el) {
      var when = el.getAttribute("data-when");
      el.hidden = when === "shared" ? shared.length === 0 : (when === "exhibitor") !== Boolean(ex);
    });
    panel.hidden = false;
    /* On a phone the panel scrolls by itself: bring the business searched for into it. */
    var found = panel.querySelector(".m-member-found");
    panel.scrollTop = found ? Math.max(0, found.offsetTop - 48) : 0;
  }

  /* A shared stand's other businesses, each with its products and WhatsApp, below the main exhibitor. */
  function fillMembers(list, members, found) {
    list.innerHTML = "";
    members.forEach(function (co) {
      var li = document.createElement("li");
      if (found && co.name === found) { li.className = "m-member-found"; }
      var name = document.createElement("strong");
      name.textContent = co.name;
      li.appendChild(name);
      var about = [co.pesantren, co.products].filter(Boolean).join(" · ");
      if (about) {
        var line = document.createElement("span");
        line.className = "small muted";
        line.textContent = about;
        li.appendChild(line);
      }
      var digits = String(co.whatsapp || "").replace(/\D/g, "");
      if (digits) {
        var a = document.createElement("a");
        a.href = "https://wa.me/" + digits;
        a.rel = "noopener";
        a.target = "_blank";
        a.className = "small";
        a.textContent = words.whatsapp || "WhatsApp";
        li.appendChild(a);
      }
      list.appendChild(li);
    });
  }

  /* The name a search hit shows: the stand member the words found, else "Main + 2". */
  function hitName(entry, terms) {
    var ex = entry.booth.exhibitor;
    if (!ex) { return (words.hall || "Hall") + " " + entry.hall.code; }
    var member = (entry.members || []).filter(function (m) {
      return terms.every(function (t) { return m.text.indexOf(t) >= 0; });
    })[0];
    if (member) { return member.name; }
    return entry.members && entry.members.length ? ex.name + " + " + entry.members.length : ex.name;
  }

  function select(entry, scroll) {
    clearFound();
    showHall(entry.hall.code);
    var el = boothEl(entry.booth.code);
    if (el) {
      el.classList.add("is-found");
      el.parentNode.appendChild(el);
      if (scroll && el.scrollIntoView) { el.scrollIntoView({ block: "center", inline: "center", behavior: "smooth" }); }
    }
    openPanel(entry);
    if (window.history && history.replaceState) {
      history.replaceState(null, "", window.location.pathname + "?hall=" + entry.hall.code + "#booth-" + entry.booth.code);
    }
  }

  function search(query) {
    var q = fold(query.trim());
    results.innerHTML = "";
    if (q.length < 2) { results.hidden = true; none.hidden = true; return []; }
    var terms = q.split(/\s+/);
    var hits = entries.filter(function (e) {
      return terms.every(function (t) { return e.text.indexOf(t) >= 0; });
    });
    hits.sort(function (a, b) { return Number(!a.booth.exhibitor) - Number(!b.booth.exhibitor); });
    hits.slice(0, 12).forEach(function (entry) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      var code = document.createElement("span");
      code.className = "m-hit-code";
      code.textContent = entry.booth.code;
      button.appendChild(code);
      var name = hitName(entry, terms);
      button.appendChild(document.createTextNode(name));
      button.addEventListener("click", function () { results.hidden = true; entry.found = name; select(entry, true); entry.found = null; });
      li.appendChild(button);
      results.appendChild(li);
    });
    results.hidden = hits.length === 0;
    none.hidden = hits.length > 0;
    return hits;
  }

  if (input) {
    input.addEventListener("input", function () { search(input.value); });
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      event.preventDefault();
      var hits = search(input.value);
      if (hits.length) {
        results.hidden = true;
        hits[0].found = hitName(hits[0], fold(input.value.trim()).split(/\s+/));
        select(hits[0], true);
        hits[0].found = null;
        input.blur();
      }
    });
  }

  var byCode = {};
  entries.forEach(function (e) { byCode[e.booth.code] = e; });
  document.querySelectorAll(".m-booth").forEach(function (el) {
    function choose() { var e = byCode[el.getAttribute("data-code")]; if (e) { select(e, false); } }
    el.addEventListener("click", choose);
    el.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); choose(); }
    });
  });
  var close = panel && panel.querySelector("[data-close]");
  if (close) { close.addEventListener("click", function () { panel.hidden = true; clearFound(); }); }

  document.querySelectorAll("[data-hall-tab]").forEach(function (tab) {
    tab.addEventListener("click", function (event) {
      event.preventDefault();
      showHall(tab.getAttribute("data-hall-tab"));
    });
  });

  /* Cluster filter: booths outside the chosen clusters fade out. */
  function applyFilter() {
    var chosen = [];
    document.querySelectorAll(".m-chip[data-cluster][aria-pressed='true']").forEach(function (chip) {
      chosen.push(chip.getAttribute("data-cluster"));
    });
    document.querySelectorAll(".m-booth").forEach(function (el) {
      el.classList.toggle("is-dimmed", chosen.length > 0 && chosen.indexOf(el.getAttribute("data-cluster")) < 0);
    });
  }
  document.querySelectorAll(".m-chip[data-cluster]").forEach(function (chip) {
    chip.addEventListener("click", function () {
      chip.setAttribute("aria-pressed", chip.getAttribute("aria-pressed") === "true" ? "false" : "true");
      applyFilter();
    });
  });

  /* Facilities: highlight every musholla, toilet, ... and show the first hall that has one. */
  document.querySelectorAll(".m-chip[data-kind]").forEach(function (chip) {
    chip.addEventListener("click", function () {
      var kind = chip.getAttribute("data-kind");
      var on = chip.getAttribute("aria-pressed") !== "true";
      document.querySelectorAll(".m-chip[data-kind]").forEach(function (c) { c.setAttribute("aria-pressed", "false"); });
      clearFound();
      if (!on) { return; }
      chip.setAttribute("aria-pressed", "true");
      var found = document.querySelectorAll('.m-feature[data-kind="' + kind + '"], .m-door[data-kind="' + kind + '"]');
      found.forEach(function (el) { el.classList.add("is-found"); });
      if (found.length) {
        var hall = found[0].closest(".m-hall");
        if (hall) { showHall(hall.getAttribute("data-hall")); }
        if (found[0].scrollIntoView) { found[0].scrollIntoView({ block: "center", inline: "center", behavior: "smooth" }); }
      }
    });
  });

  /* #booth-<code>, or ?booth=<code> (the catalogue's "see on the map"; read here, not from the page,
     which may be the copy kept offline for another booth): show that booth. */
  var focus = window.location.hash.indexOf("#booth-") === 0 ? decodeURIComponent(window.location.hash.slice(7))
    : (window.URLSearchParams ? new URLSearchParams(window.location.search).get("booth") || "" : "");
  var focused = entries.filter(function (e) { return e.booth.code.toUpperCase() === focus.trim().toUpperCase(); })[0];
  if (focus && focused) { select(focused, true); }

  /* Offline: a small service worker keeps this page and its files once they have loaded. */
  var script = document.getElementById("m-script");
  var note = document.getElementById("m-offline");
  if ("serviceWorker" in navigator && script) {
    navigator.serviceWorker.register(script.getAttribute("data-sw"), { scope: script.getAttribute("data-scope") })
      .then(function (registration) {
        var worker = registration.active || registration.waiting || registration.installing;
        function ready() { if (note) { note.hidden = false; } }
        if (registration.active) { ready(); } else if (worker) {
          worker.addEventListener("statechange", function () { if (worker.state === "activated") { ready(); } });
        }
      })
      .catch(function () { /* private mode or plain http: the map still works online */ });
  }
}());
