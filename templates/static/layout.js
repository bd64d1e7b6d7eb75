/* Layout editor: drag booths and features on the hall plan, or move a focused one with the arrow keys
   (saved through the JSON API; refused moves spring back with the server's reason), tap one to edit it
   in its panel, place a feature or a block's start by tapping (or dragging a rectangle) on the plan.
   Pointer events: the same code for mouse, pen and touch. Without this script every form on the page
   still works and booth links open their panel. */
(function () {
  "use strict";
  var dataEl = document.getElementById("layout-data");
  var svg = document.getElementById("lay-svg");
  if (!dataEl || !svg) { return; }
  var data = JSON.parse(dataEl.textContent);
  var texts = data.texts;
  var hall = data.hall;
  var statusEl = document.getElementById("layout-status");
  var STEP = 0.5;
  var TAP_PX = 6;

  function snap(v) { return Math.round(v / STEP) * STEP; }
  function fmt(v) { return String(Math.round(v * 100) / 100); }
  function fill(template, params) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return params[key] === undefined ? "" : params[key]; });
  }
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function say(text, bad) {
    if (!statusEl) { return; }
    statusEl.textContent = text;
    statusEl.hidden = !text;
    statusEl.classList.toggle("is-bad", !!bad);
    statusEl.setAttribute("role", bad ? "alert" : "status");
  }

  /* Where a pointer is, in metres on the plan. */
  function toPlan(event) {
    var pt = svg.createSVGPoint();
    pt.x = event.clientX;
    pt.y = event.clientY;
    var m = svg.getScreenCTM();
    return m ? pt.matrixTransform(m.inverse()) : { x: 0, y: 0 };
  }

  /* The reason of a refusal: problem details' field messages, else its detail. */
  function reason(body) {
    if (!body) { return ""; }
    if (body.errors && body.errors.length) {
      return body.errors.map(function (e) { return e.message; }).join(" ");
    }
    return body.detail || body.title || "";
  }

  function patch(url, body) {
    return fetch(url, {
      method: "PATCH",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (json) {
        return { ok: response.ok, body: json };
      });
    });
  }

  /* --- panels: tap a booth or a feature ------------------------------------------------------ */
  function setValues(form, values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "_csrf_token" || !(el.name in values)) { return; }
      if (el.type === "checkbox") { el.checked = !!values[el.name]; } else { el.value = values[el.name]; }
      el.removeAttribute("aria-invalid");
    });
    form.querySelectorAll(".field-error").forEach(function (e) { e.remove(); });
  }

  function markSelected(el) {
    svg.querySelectorAll(".lay-item.is-selected").forEach(function (e) { e.classList.remove("is-selected"); });
    if (el) { el.classList.add("is-selected"); }
  }

  function openPanel(panel, other) {
    if (other) { other.hidden = true; }
    panel.hidden = false;
    panel.querySelectorAll(".alert").forEach(function (e) { e.remove(); });
    if (window.matchMedia("(max-width: 899px)").matches) {
      panel.scrollIntoView({ behavior: "smooth", block: "start" });
    }
  }

  function selectBooth(el) {
    var booth = data.booths[el.getAttribute("data-booth-id")];
    var panel = document.getElementById("booth-panel");
    if (!booth || !panel) { return; }
    var base = "/admin/e/" + data.slug + "/layout/booths/" + booth.id;
    panel.querySelector("[data-booth-form]").setAttribute("action", base);
    panel.querySelector("[data-booth-delete]").setAttribute("action", base + "/delete");
    panel.querySelector('[data-slot="code"]').textContent = booth.code;
    var badge = panel.querySelector('[data-slot="status"]');
    badge.textContent = booth.status_label;
    badge.className = "badge " + booth.status;
    panel.querySelector("[data-booth-delete]").hidden = booth.status === "held" || booth.status === "confirmed";
    setValues(panel.querySelector("[data-booth-form]"), booth);
    markSelected(el);
    openPanel(panel, document.getElementById("feature-panel"));
  }

  function selectFeature(el) {
    var feature = data.features[el.getAttribute("data-feature-id")];
    var panel = document.getElementById("feature-panel");
    if (!feature || !panel) { return; }
    var base = "/admin/e/" + data.slug + "/layout/features/" + feature.id;
    panel.querySelector("[data-feature-form]").setAttribute("action", base);
    panel.querySelector("[data-feature-delete]").setAttribute("action", base + "/delete");
    setValues(panel.querySelector("[data-feature-form]"), feature);
    markSelected(el);
    openPanel(panel, document.getElementById("booth-panel"));
  }

  document.querySelectorAll("[data-close]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      link.closest(".lay-panel").hidden = true;
      markSelected(null);
    });
  });

  /* --- dragging ------------------------------------------------------------------------------ */
  var drag = null;

  function itemOf(target) { return target && target.closest ? target.closest(".lay-item") : null; }

  function record(el) {
    if (el.hasAttribute("data-booth-id")) { return data.booths[el.getAttribute("data-booth-id")]; }
    return data.features[el.getAttribute("data-feature-id")];
  }

  function shift(el, dx, dy) {
    el.style.transform = dx || dy ? "translate(" + dx + "px," + dy + "px)" : "";
  }

  /* Move the drawn shapes for good (after the server said yes). */
  function settle(el, dx, dy) {
    el.querySelectorAll("rect, text").forEach(function (shape) {
      shape.setAttribute("x", fmt(parseFloat(shape.getAttribute("x")) + dx));
      shape.setAttribute("y", fmt(parseFloat(shape.getAttribute("y")) + dy));
    });
    el.classList.add("is-instant");
    shift(el, 0, 0);
    el.getBoundingClientRect();
    el.classList.remove("is-instant");
  }

  function springBack(el) {
    el.classList.add("is-returning");
    shift(el, 0, 0);
    window.setTimeout(function () { el.classList.remove("is-returning"); }, 300);
  }

  function save(el, item, dx, dy) {
    var x = snap(parseFloat(item.x_m) + dx);
    var y = snap(parseFloat(item.y_m) + dy);
    var booth = el.hasAttribute("data-booth-id");
    var url = booth ? "/api/booths/" + item.id : "/api/features/" + item.id;
    el.classList.add("is-saving");
    say(texts.saving, false);
    patch(url, { x_m: x, y_m: y }).then(function (result) {
      el.classList.remove("is-saving");
      if (result.ok) {
        settle(el, x - parseFloat(item.x_m), y - parseFloat(item.y_m));
        item.x_m = fmt(x);
        item.y_m = fmt(y);
        el.setAttribute("data-saved", "true");
        say(booth ? fill(texts.moved, { code: item.code }) : texts.saved, false);
      } else {
        springBack(el);
        say(fill(texts.failed, { reason: reason(result.body) }), true);
      }
    }, function () {
      el.classList.remove("is-saving");
      springBack(el);
      say(texts.offline, true);
    });
  }

  svg.addEventListener("pointerdown", function (event) {
    if (placing) { startPlacing(event); return; }
    var el = itemOf(event.target);
    if (!el || event.button > 0) { return; }
    event.preventDefault();
    var start = toPlan(event);
    drag = { el: el, item: record(el), id: event.pointerId, sx: event.clientX, sy: event.clientY,
             px: start.x, py: start.y, dx: 0, dy: 0, moved: false };
    try { svg.setPointerCapture(event.pointerId); } catch (e) { /* capture is a nicety */ }
  });

  svg.addEventListener("pointermove", function (event) {
    if (placing) { movePlacing(event); return; }
    if (!drag || event.pointerId !== drag.id) { return; }
    if (!drag.moved && Math.abs(event.clientX - drag.sx) + Math.abs(event.clientY - drag.sy) < TAP_PX) { return; }
    drag.moved = true;
    drag.el.classList.add("is-dragging");
    var now = toPlan(event);
    var x0 = parseFloat(drag.item.x_m), y0 = parseFloat(drag.item.y_m);
    drag.dx = snap(x0 + now.x - drag.px) - x0;
    drag.dy = snap(y0 + now.y - drag.py) - y0;
    shift(drag.el, drag.dx, drag.dy);
  });

  function endDrag(event, cancelled) {
    if (placing) { endPlacing(event); return; }
    if (!drag || event.pointerId !== drag.id) { return; }
    var d = drag;
    drag = null;
    d.el.classList.remove("is-dragging");
    if (cancelled) { springBack(d.el); return; }
    if (!d.moved) {
      if (d.el.hasAttribute("data-booth-id")) { selectBooth(d.el); } else { selectFeature(d.el); }
      return;
    }
    if (d.dx === 0 && d.dy === 0) { shift(d.el, 0, 0); return; }
    save(d.el, d.item, d.dx, d.dy);
  }

  svg.addEventListener("pointerup", function (event) { endDrag(event, false); });
  svg.addEventListener("pointercancel", function (event) { endDrag(event, true); });
  /* The links are for pages without script; here a tap is handled on pointerup. */
  svg.addEventListener("click", function (event) {
    if (itemOf(event.target)) { event.preventDefault(); }
  });
  var ARROWS = { ArrowLeft: [-STEP, 0], ArrowRight: [STEP, 0], ArrowUp: [0, -STEP], ArrowDown: [0, STEP] };
  svg.addEventListener("keydown", function (event) {
    var el = itemOf(event.target);
    if (!el) { return; }
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      if (el.hasAttribute("data-booth-id")) { selectBooth(el); } else { selectFeature(el); }
    } else if (ARROWS[event.key] && !el.classList.contains("is-saving")) {
      /* Arrow keys move the focused booth or feature half a metre, saved like a drag. */
      event.preventDefault();
      save(el, record(el), ARROWS[event.key][0], ARROWS[event.key][1]);
    }
  });
  /* A touch on a booth drags it instead of scrolling the page. */
  svg.addEventListener("touchstart", function (event) {
    if (placing || itemOf(event.target)) { event.preventDefault(); }
  }, { passive: false });

  /* --- placing a feature or a block's start ---------------------------------------------------- */
  var placing = null;  // {mode: "feature" | "origin", form, button, start, ghost}
  var featureForm = document.querySelector("[data-add-feature]");
  var blockForm = document.querySelector("[data-block-form]");

  function input(form, name) { return form.querySelector('[name="' + name + '"]'); }

  function stopPlacing() {
    if (!placing) { return; }
    if (placing.ghost) { placing.ghost.remove(); }
    placing.button.setAttribute("aria-pressed", "false");
    svg.classList.remove("is-placing");
    placing = null;
  }

  function beginPlacing(mode, form, button) {
    if (placing && placing.button === button) { stopPlacing(); say("", false); return; }
    stopPlacing();
    placing = { mode: mode, form: form, button: button, start: null, ghost: null };
    button.setAttribute("aria-pressed", "true");
    svg.classList.add("is-placing");
    say(mode === "feature" ? texts.place : texts.origin, false);
    svg.scrollIntoView({ block: "nearest" });
  }

  function clamp(v, lo, hi) { return Math.min(Math.max(v, lo), Math.max(lo, hi)); }

  function ghostRect(x, y, w, d) {
    if (!placing.ghost) {
      placing.ghost = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      placing.ghost.setAttribute("class", "lay-ghost");
      svg.appendChild(placing.ghost);
    }
    placing.ghost.setAttribute("x", fmt(x));
    placing.ghost.setAttribute("y", fmt(y));
    placing.ghost.setAttribute("width", fmt(Math.max(w, STEP)));
    placing.ghost.setAttribute("height", fmt(Math.max(d, STEP)));
  }

  function startPlacing(event) {
    event.preventDefault();
    var p = toPlan(event);
    placing.start = { x: snap(p.x), y: snap(p.y), id: event.pointerId, sx: event.clientX, sy: event.clientY, moved: false };
    try { svg.setPointerCapture(event.pointerId); } catch (e) { /* a nicety */ }
  }

  function movePlacing(event) {
    var s = placing.start;
    if (!s || event.pointerId !== s.id || placing.mode !== "feature") { return; }
    if (!s.moved && Math.abs(event.clientX - s.sx) + Math.abs(event.clientY - s.sy) < TAP_PX) { return; }
    s.moved = true;
    var p = toPlan(event);
    var x1 = snap(p.x), y1 = snap(p.y);
    ghostRect(Math.min(s.x, x1), Math.min(s.y, y1), Math.abs(x1 - s.x), Math.abs(y1 - s.y));
  }

  function endPlacing(event) {
    var s = placing.start;
    if (!s || event.pointerId !== s.id) { return; }
    var form = placing.form;
    if (placing.mode === "origin") {
      input(form, "origin_x_m").value = fmt(clamp(s.x, 0, hall.w));
      input(form, "origin_y_m").value = fmt(clamp(s.y, 0, hall.d));
      stopPlacing();
      say("", false);
      input(form, "origin_x_m").focus();
      return;
    }
    var x, y, w, d;
    if (s.moved) {
      var p = toPlan(event);
      var x1 = snap(p.x), y1 = snap(p.y);
      x = Math.min(s.x, x1); y = Math.min(s.y, y1);
      w = Math.max(Math.abs(x1 - s.x), STEP); d = Math.max(Math.abs(y1 - s.y), STEP);
    } else {
      w = parseFloat(input(form, "width_m").value) || 3;
      d = parseFloat(input(form, "depth_m").value) || 3;
      x = snap(s.x - w / 2); y = snap(s.y - d / 2);
    }
    x = clamp(x, 0, hall.w - w);
    y = clamp(y, 0, hall.d - d);
    input(form, "x_m").value = fmt(x);
    input(form, "y_m").value = fmt(y);
    input(form, "width_m").value = fmt(w);
    input(form, "depth_m").value = fmt(d);
    ghostRect(x, y, w, d);
    placing.start = null;
    form.requestSubmit ? form.requestSubmit() : form.submit();
  }

  /* A kind's usual size, until the reader types another. */
  function defaultSize(form) {
    var kind = input(form, "kind").value;
    var size = data.sizes[kind];
    var width = input(form, "width_m"), depth = input(form, "depth_m");
    if (size && (!width.value || width.getAttribute("data-auto") === "true")) {
      width.value = fmt(size[0]);
      depth.value = fmt(size[1]);
      width.setAttribute("data-auto", "true");
    }
  }

  if (featureForm) {
    var placeButton = featureForm.querySelector("[data-place]");
    placeButton.hidden = false;
    placeButton.setAttribute("aria-pressed", "false");
    placeButton.addEventListener("click", function () { beginPlacing("feature", featureForm, placeButton); });
    input(featureForm, "kind").addEventListener("change", function () { defaultSize(featureForm); });
    input(featureForm, "width_m").addEventListener("input", function (e) { e.target.setAttribute("data-auto", "false"); });
    defaultSize(featureForm);
  }
  if (blockForm) {
    var originButton = blockForm.querySelector("[data-pick-origin]");
    originButton.hidden = false;
    originButton.setAttribute("aria-pressed", "false");
    originButton.addEventListener("click", function () { beginPlacing("origin", blockForm, originButton); });
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && placing) { stopPlacing(); say("", false); }
  });
}());
