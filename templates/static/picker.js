/* Booth picker: tap a booth to fill the details panel, switch hall tabs without reloading.
   Without this script the same links reload the page with ?booth= / ?hall= and the server fills the panel. */
(function () {
  "use strict";
  var dataEl = document.getElementById("booth-data");
  var panel = document.getElementById("booth-panel");
  if (!dataEl || !panel) { return; }
  var booths = JSON.parse(dataEl.textContent);

  function setQuery(query) {
    if (window.history && history.replaceState) {
      history.replaceState(null, "", window.location.pathname + query);
    }
  }

  function select(id) {
    var booth = booths[id];
    if (!booth) { return; }
    panel.querySelectorAll("[data-slot]").forEach(function (el) {
      var value = booth[el.getAttribute("data-slot")];
      el.textContent = value === undefined || value === null ? "" : String(value);
    });
    var badge = panel.querySelector('[data-slot="status_label"]');
    if (badge) { badge.className = "badge " + booth.status; }
    var form = panel.querySelector("form[data-hold-form]");
    if (form) { form.setAttribute("action", booth.hold_url); }
    var state = booth.mine ? "mine" : (booth.status === "available" ? "available" : "taken");
    panel.querySelectorAll("[data-when]").forEach(function (el) {
      el.hidden = el.getAttribute("data-when").split(" ").indexOf(state) < 0;
    });
    document.querySelectorAll(".booth.is-selected").forEach(function (el) { el.classList.remove("is-selected"); });
    var link = document.querySelector('.booth[data-id="' + id + '"]');
    if (link) {
      link.classList.add("is-selected");
      link.parentNode.appendChild(link);  /* drawn last, so that its outline is on top of its neighbours */
    }
    panel.hidden = false;
    setQuery("?booth=" + id);
    keepVisible(link);
  }

  /* On a phone the panel is a sheet over the bottom of the screen: keep the chosen booth above it. */
  function keepVisible(link) {
    if (!link || !window.matchMedia("(max-width: 899px)").matches) { return; }
    var box = link.getBoundingClientRect();
    var free = window.innerHeight - panel.offsetHeight - 16;
    if (box.bottom > free) { window.scrollBy(0, box.bottom - free); }
  }

  /* Centre the selected booth (or the exhibitor's own) in a map that is wider than the screen. */
  function centre(link) {
    var scroller = link && link.closest(".map-scroll");
    if (!scroller) { return; }
    var box = link.getBoundingClientRect();
    var frame = scroller.getBoundingClientRect();
    scroller.scrollLeft += box.left + box.width / 2 - (frame.left + frame.width / 2);
  }

  function markScrollable() {
    document.querySelectorAll(".map-scroll").forEach(function (scroller) {
      scroller.classList.toggle("is-scrollable", scroller.scrollWidth > scroller.clientWidth + 4);
    });
  }

  function closePanel() {
    panel.hidden = true;
    document.querySelectorAll(".booth.is-selected").forEach(function (el) { el.classList.remove("is-selected"); });
    var open = document.querySelector(".hall:not([hidden])");
    setQuery(open && document.querySelector("[data-hall-tab]") ? "?hall=" + open.getAttribute("data-hall") : "");
  }

  function showHall(code) {
    document.querySelectorAll(".hall[data-hall]").forEach(function (section) {
      section.hidden = section.getAttribute("data-hall") !== code;
    });
    document.querySelectorAll("[data-hall-tab]").forEach(function (tab) {
      tab.setAttribute("aria-selected", tab.getAttribute("data-hall-tab") === code ? "true" : "false");
    });
    panel.hidden = true;
    setQuery("?hall=" + encodeURIComponent(code));
    markScrollable();
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target || !target.closest) { return; }
    var booth = target.closest("a.booth");
    if (booth) {
      event.preventDefault();
      select(booth.getAttribute("data-id"));
      return;
    }
    var tab = target.closest("[data-hall-tab]");
    if (tab) {
      event.preventDefault();
      showHall(tab.getAttribute("data-hall-tab"));
      return;
    }
    if (target.closest("[data-panel-close]")) {
      event.preventDefault();
      closePanel();
    }
  });

  markScrollable();
  window.addEventListener("resize", markScrollable);
  centre(document.querySelector(".hall:not([hidden]) .booth.is-selected, .hall:not([hidden]) .booth.is-mine"));

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) { closePanel(); }
  });
}());
