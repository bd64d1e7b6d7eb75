// The gate scanner: pairs the phone, scans online (answer within 2 s) or decides alone offline, and
// queues every offline scan in IndexedDB until the server has it (docs/gate.md).
"use strict";
(function () {
  const $ = (s) => document.querySelector(s);
  // Every text comes translated from the catalogs, in a JSON data block of the page (gate_texts.py).
  const T = JSON.parse(document.getElementById("gate-texts").textContent);
  const store = {
    get: (k) => JSON.parse(localStorage.getItem("gate." + k) || "null"),
    set: (k, v) => localStorage.setItem("gate." + k, JSON.stringify(v)),
  };
  let direction = "entry";
  let offline = { keys: {}, revoked: new Set(), passes: {}, bySerial: {}, codes: {}, context: null };
  const REFRESH_EVERY_MS = 60 * 1000; // keys, revocations and changed passes while online
  // Now and then the whole pass list again: it drops deleted passes and anything a cursor missed.
  const FULL_PASS_LIST_EVERY_MS = 6 * 3600 * 1000;
  let lastRefresh = 0, refreshing = null;

  // --- the server's clock: every answer of context, scans and sync says the server's time; the page
  // keeps offset = server - local (smoothed, quick answers weigh more) and stamps scans and decides
  // offline on the corrected time, so a phone with a wrong clock still scans right (docs/gate.md).
  const CLOCK_TOLERANCE_MS = 2 * 60 * 1000; // the server flags a clock further off than this
  const clock = { offset: store.get("clock_offset"), rtt: Infinity };
  function learnClock(serverTime, sentAt, gotAt) {
    const server = Date.parse(serverTime);
    if (!Number.isFinite(server)) return;
    const rtt = Math.max(0, gotAt - sentAt), sample = server - (sentAt + gotAt) / 2;
    if (clock.offset === null || Math.abs(sample - clock.offset) > 30000) clock.offset = sample; // first, or the clock was changed
    else clock.offset += (sample - clock.offset) * (rtt <= clock.rtt ? 0.5 : 0.5 * clock.rtt / rtt);
    clock.rtt = Math.min(rtt, clock.rtt * 1.05 + 5); // the best round trip lately, forgotten slowly
    store.set("clock_offset", clock.offset);
    warnClock();
  }
  function warnClock() { // the staff should set the phone right, though scans stay correct meanwhile
    const wrong = Math.abs(clock.offset || 0) > CLOCK_TOLERANCE_MS;
    $("#clock-warning").hidden = !wrong; $("#clock-warning").textContent = wrong ? T.reasons.clock_skewed : "";
  }
  const offsetMs = () => Math.round(clock.offset || 0);
  const now = () => new Date(Date.now() + offsetMs());

  // --- IndexedDB queue (survives reloads and a dead battery) ------------------------------------
  const dbReady = new Promise((resolve, reject) => {
    const open = indexedDB.open("expo-gate", 1);
    open.onupgradeneeded = () => {
      open.result.createObjectStore("queue", { keyPath: "client_scan_id" });
      open.result.createObjectStore("seen", { keyPath: "serial" });
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  async function tx(name, mode, work) {
    const db = await dbReady;
    return new Promise((resolve, reject) => {
      const t = db.transaction(name, mode), result = work(t.objectStore(name));
      t.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      t.onerror = () => reject(t.error);
    });
  }
  const queueAll = () => tx("queue", "readonly", (s) => s.getAll());
  const queuePut = (scan) => tx("queue", "readwrite", (s) => s.put(scan));
  const queueDelete = (ids) => tx("queue", "readwrite", (s) => ids.forEach((id) => s.delete(id)));
  const seenGet = (serial) => tx("seen", "readonly", (s) => s.get(serial));
  // inside: as this device last saw it, on the expo-local day "day" (each day starts empty, as on the
  // server); entered: admitted here at least once (re-entry rule "once")
  const seenPut = (serial, inside) => tx("seen", "readwrite", (s) => {
    const old = s.get(serial), day = localClock(now()).date;
    old.onsuccess = () => s.put({ serial, inside, day, entered: !!(inside || (old.result && old.result.entered)) });
  });

  async function showQueue() { $("#queue").textContent = String((await queueAll()).length); }
  function setNet(on) { $("#net").dataset.state = on ? "online" : "offline"; $("#net").textContent = on ? T.online : T.offline; }

  // --- network -------------------------------------------------------------------------------
  function headers() {
    const h = { "Content-Type": "application/json", Authorization: "Device " + store.get("token") };
    const csrf = document.querySelector('meta[name="csrf-token"]');
    if (csrf && csrf.content) h["X-CSRFToken"] = csrf.content;
    return h;
  }
  const TELLS_TIME = /^\/api\/gate\/(context|scans|sync)/; // answers with "server_time"
  async function api(path, body, timeoutMs = 2000) {
    const ctl = new AbortController(), timer = setTimeout(() => ctl.abort(), timeoutMs), sentAt = Date.now();
    try {
      const response = await fetch(path, { method: body ? "POST" : "GET", headers: headers(), body: body ? JSON.stringify(body) : undefined, signal: ctl.signal });
      const gotAt = Date.now();
      if (response.ok && TELLS_TIME.test(path)) {
        await response.clone().json().then((b) => learnClock(b.server_time, sentAt, gotAt), () => { /* not JSON */ });
      }
      return response;
    } finally { clearTimeout(timer); }
  }
  // A refusal about the phone itself (revoked, unknown): say what to do, then show the pairing form.
  async function problemCode(response) {
    try { return (await response.clone().json()).code || ""; } catch (e) { return ""; }
  }
  async function deviceRefused(response) {
    const code = (await problemCode(response)) || (response.status === 403 ? "device_revoked" : "device_unknown");
    store.set("token", null);
    $("#pair-error").textContent = T.reasons[code] || T.reasons.device_unknown;
    start();
    return code;
  }

  function refreshOffline() {
    if (!refreshing) {
      lastRefresh = Date.now();
      refreshing = fetchOffline().finally(() => { refreshing = null; });
    }
    return refreshing;
  }
  async function fetchOffline() {
    const ctx = await api("/api/gate/context", null, 5000);
    if (ctx.status === 401 || ctx.status === 403) return deviceRefused(ctx);
    if (!ctx.ok) throw new Error("context");
    offline.context = await ctx.json(); store.set("context", offline.context);
    $("#gate-name").textContent = offline.context.gate.name;
    const keys = await (await api("/api/passes/keys", null, 5000)).json();
    keys.keys.forEach((k) => { offline.keys[k.key_id] = k.public_key; }); store.set("keys", offline.keys);
    let since = store.get("rev_since") || 0, revoked = store.get("revoked") || [];
    for (;;) {
      const page = await (await api("/api/gate/revocations?since=" + since, null, 5000)).json();
      revoked = revoked.concat(page.revoked.map((r) => r.serial)); since = page.next;
      if (page.complete) break;
    }
    store.set("rev_since", since); store.set("revoked", revoked); offline.revoked = new Set(revoked);
    await refreshPasses(); loadOffline();
    $("#ready").textContent = T.ready; $("#ready").dataset.ready = "1";
  }
  // The pass list by change cursor: new, renamed, re-dated, revoked and reissued passes, keyed by pass
  // id (a reissued pass replaces its old serial and code). The server repeats the last two minutes'
  // changes on purpose (docs/gate.md), which merging by id absorbs.
  async function refreshPasses() {
    const full = !store.get("pass_cursor") || Date.now() - (store.get("pass_full_at") || 0) > FULL_PASS_LIST_EVERY_MS;
    let cursor = full ? null : store.get("pass_cursor"), changed = full;
    const passes = full ? {} : store.get("passes") || {};
    for (;;) {
      const response = await api("/api/gate/passes" + (cursor ? "?cursor=" + encodeURIComponent(cursor) : ""), null, 10000);
      if (response.status === 400 || response.status === 422) { store.set("pass_cursor", null); throw new Error("pass cursor"); }
      if (!response.ok) throw new Error("passes " + response.status);
      const page = await response.json();
      page.passes.forEach((p) => { passes[p.id] = p; }); changed = changed || page.passes.length > 0;
      cursor = page.next_cursor;
      if (page.complete) break;
    }
    if (changed) store.set("passes", passes);
    store.set("pass_cursor", cursor); store.set("pass_since", null);
    if (full) store.set("pass_full_at", Date.now());
  }
  function loadOffline() {
    offline.context = store.get("context"); offline.keys = store.get("keys") || {};
    offline.revoked = new Set(store.get("revoked") || []); offline.passes = store.get("passes") || {};
    offline.bySerial = {}; offline.codes = {};
    Object.values(offline.passes).forEach((p) => { offline.bySerial[p.serial] = p; offline.codes[p.code] = p; });
    if (offline.context) $("#gate-name").textContent = offline.context.gate.name;
  }

  // --- the local decision: the server's order (tickets/gate/checkin.py), in the expo's time zone ---------
  function localClock(at) {
    const parts = {}, zone = (offline.context || {}).timezone || "Asia/Jakarta";
    new Intl.DateTimeFormat("en-US", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
    }).formatToParts(at).forEach((p) => { parts[p.type] = p.value; });
    const seconds = (Number(parts.hour) % 24) * 3600 + Number(parts.minute) * 60 + Number(parts.second) + at.getUTCMilliseconds() / 1000;
    return { date: parts.year + "-" + parts.month + "-" + parts.day, seconds };
  }
  function secondsOf(t) {
    if (t === null || t === undefined) return null;
    const [h, m, s] = String(t).split(":");
    return Number(h) * 3600 + Number(m) * 60 + parseFloat(s || "0");
  }
  function within(now, opens, closes) {
    const o = secondsOf(opens), c = secondsOf(closes);
    if (o !== null && now < o) return false;
    return !(c !== null && now >= c);
  }
  // The kind's own hours if it has any, else the day's opening hours (no day row: no limit); and the gate's.
  function hoursOk(ctx, rule, clock) {
    let ok;
    if (rule && (rule.opens_at != null || rule.closes_at != null)) ok = within(clock.seconds, rule.opens_at, rule.closes_at);
    else {
      const day = (ctx.days || []).find((d) => d.day === clock.date);
      ok = !day || within(clock.seconds, day.opens_at, day.closes_at);
    }
    return ok && within(clock.seconds, ctx.gate.opens_at, ctx.gate.closes_at);
  }
  function normaliseCode(text) { return text.toUpperCase().replace(/[^A-Z0-9]/g, "").replace(/B/g, "8").replace(/G/g, "6").replace(/[OQ0]/g, "D"); }
  async function decideLocally(text, at) {
    const ctx = offline.context; if (!ctx) return { status: "refused", reason: "unverifiable" };
    let pass = null, days = null, serial = null, kind = null;
    const code = normaliseCode(text);
    if (code.length === 8 && offline.codes[code]) { pass = offline.codes[code]; serial = pass.serial; days = pass.days; kind = pass.kind; }
    else {
      const v = await PassTokens.verify(text, offline.keys, ctx.expo_id);
      if (v.code !== "ok") return { status: "refused", reason: v.code };
      serial = v.claims.serial; days = v.claims.days; pass = offline.bySerial[serial] || null;
      kind = pass ? pass.kind : ctx.kinds[String(v.claims.kind)];
    }
    const gate = ctx.gate, rule = (ctx.kind_rules || {})[kind] || null;
    const base = { serial, holder_name: pass ? pass.holder_name : null, kind, kind_name: rule ? rule.name : null };
    const refuse = (reason) => ({ ...base, status: "refused", reason });
    if (gate.directions !== "both" && gate.directions !== direction) return refuse("wrong_direction");
    if (direction === "exit") { await seenPut(serial, false); return { ...base, status: "ok", reason: "ok" }; }
    if (offline.revoked.has(serial) || (pass && !pass.active)) return refuse("revoked");
    const clock = localClock(at);
    if (!days.includes(clock.date)) {
      const last = (ctx.days || []).reduce((max, d) => (d.day > max ? d.day : max), "");
      return refuse(last && clock.date > last ? "expo_over" : "not_valid_today");
    }
    if (!hoursOk(ctx, rule, clock)) return refuse("outside_hours");
    if (gate.kind_codes.length && !gate.kind_codes.includes(kind)) return refuse("kind_not_admitted");
    // The re-entry rule is the server's (context kind_rules): the page never guesses one from the kind.
    const reentry = rule && rule.reentry;
    if (!reentry) return refuse("unverifiable");
    const seen = await seenGet(serial);
    const insideToday = !!(seen && seen.inside && seen.day === clock.date);
    if (seen && ((reentry === "after_exit" && insideToday) || (reentry === "once" && (seen.inside || seen.entered)))) {
      return refuse("already_inside");
    }
    await seenPut(serial, true);
    return { ...base, status: "ok", reason: "ok" };
  }

  // --- scanning --------------------------------------------------------------------------------
  function show(result, local) {
    const box = $("#result"), aboutDevice = result.status === "device";
    box.className = "result " + (result.status === "ok" ? "ok" : aboutDevice ? "device" : "refused");
    $("#result-word").textContent = result.status === "ok" ? (direction === "exit" ? T.ok_exit : T.ok) : aboutDevice ? T.device : T.refused;
    $("#result-reason").textContent = ((result.reason in T.reasons) ? T.reasons[result.reason] : result.reason) + (local ? " " + T.local : "");
    $("#result-name").textContent = result.holder_name || "";
    $("#result-detail").textContent = [result.kind_name || result.kind, result.organisation, result.booth].filter(Boolean).join(" · ");
    box.dataset.status = result.status; box.dataset.reason = result.reason; box.hidden = false;
    beep(result.status === "ok");
    if (navigator.vibrate) navigator.vibrate(result.status === "ok" ? 80 : [200, 80, 200]);
    clearTimeout(show.timer); show.timer = setTimeout(() => { box.hidden = true; $("#scan-input").focus(); }, aboutDevice ? 6000 : 2500);
  }
  function beep(good) {
    try {
      const ctx = beep.ctx || (beep.ctx = new AudioContext()), osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.frequency.value = good ? 880 : 220; gain.gain.value = 0.2; osc.connect(gain).connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + (good ? 0.15 : 0.4));
    } catch (e) { /* no audio */ }
  }
  async function submit(text) {
    text = text.trim(); if (!text) return;
    const at = now(); // the server's time as this phone knows it, whatever its own clock says
    const scan = {
      text: text.slice(0, 1024), direction, client_scan_id: crypto.randomUUID(), scanned_at: at.toISOString(), clock_offset_ms: offsetMs(),
    };
    try {
      const response = await api("/api/gate/scans", scan);
      if (response.ok) { setNet(true); const r = await response.json(); if (r.serial) await seenPut(r.serial, r.status === "ok" && direction === "entry"); return show(r, false); }
      if (response.status === 401 || response.status === 403) {
        const code = await deviceRefused(response);
        return show({ status: "device", reason: code }, false);
      }
      if (response.status < 500) {
        const code = await problemCode(response);
        return show({ status: "device", reason: code === "scan_time_invalid" ? code : "rejected" }, false);
      }
    } catch (err) { /* offline or no answer within 2 s */ }
    setNet(false);
    const verdict = await decideLocally(scan.text, at);
    // What the gate did is what the server records: a refusal stays one, with the reason shown here.
    await queuePut({ ...scan, device_status: verdict.status, ...(verdict.status === "refused" ? { device_reason: verdict.reason } : {}) });
    await showQueue();
    show(verdict, true);
  }
  async function sync() {
    const queued = (await queueAll()).sort((a, b) => a.scanned_at.localeCompare(b.scanned_at));
    for (let i = 0; i < queued.length; i += 100) {
      const batch = queued.slice(i, i + 100);
      // sent_at: this phone's corrected clock now; the server shifts the batch by what is still off
      const response = await api("/api/gate/sync", { scans: batch, sent_at: now().toISOString() }, 15000);
      if (response.status === 401 || response.status === 403) { await deviceRefused(response); return; }
      if (!response.ok) throw new Error("sync " + response.status);
      await queueDelete(batch.map((s) => s.client_scan_id));
    }
    await showQueue();
  }
  async function heartbeat() {
    if (!store.get("token")) return; // not paired: nothing to send (the queue waits for the next pairing)
    try {
      await sync();
      if (!store.get("token")) return;
      const ping = await api("/api/gate/context", null, 2000);
      if (ping.status === 401 || ping.status === 403) { await deviceRefused(ping); return; } // not "offline"
      setNet(ping.ok);
      if (!ping.ok) return;
      offline.context = await ping.json(); store.set("context", offline.context); // hours and rules stay current
      const ready = $("#ready").dataset.ready === "1";
      if (!ready || Date.now() - lastRefresh > REFRESH_EVERY_MS) refreshOffline().catch(() => { /* next time */ });
    } catch (err) { setNet(false); }
  }

  // --- camera: the shared reader (camera.js), which hands each QR code it sees to submit -------------
  function startCamera() { return window.qrCamera.start($("#camera"), submit); }

  // --- wiring ----------------------------------------------------------------------------------
  async function pair(code) {
    // with the CSRF token: a gate-staff account pairing the phone it is logged in on sends its cookie
    const h = headers(); delete h.Authorization;
    const response = await fetch("/api/gate/pair", { method: "POST", headers: h, body: JSON.stringify({ pairing_code: code }) });
    if (!response.ok) { $("#pair-error").textContent = T.pair_failed; return; }
    const device = await response.json();
    ["context", "keys", "revoked", "rev_since", "passes", "pass_since", "pass_cursor", "pass_full_at"].forEach((k) => store.set(k, null));
    store.set("token", device.token);
    history.replaceState(null, "", "/gate");
    start();
  }
  function start() {
    document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = T[el.dataset.t]; });
    warnClock();
    const token = store.get("token");
    $("#pair").hidden = !!token; $("#scan").hidden = !token;
    if (!token) {
      const code = new URLSearchParams(location.search).get("pair");
      if (code) { $("#pair-code").value = code; pair(code); }
      return;
    }
    loadOffline(); showQueue();
    refreshOffline().then(() => setNet(true), () => setNet(false));
    $("#scan-input").focus();
  }
  $("#pair-form").addEventListener("submit", (e) => { e.preventDefault(); pair($("#pair-code").value); });
  $("#scan-form").addEventListener("submit", (e) => { e.preventDefault(); const v = $("#scan-input").value; $("#scan-input").value = ""; submit(v); });
  document.querySelectorAll(".dir").forEach((b) => b.addEventListener("click", () => {
    direction = b.dataset.dir;
    document.querySelectorAll(".dir").forEach((o) => o.setAttribute("aria-pressed", String(o === b)));
    $("#scan-input").focus();
  }));
  $("#camera-start").addEventListener("click", () => startCamera().catch(() => { $("#camera-start").disabled = true; }));
  $("#result").addEventListener("click", () => { $("#result").hidden = true; $("#scan-input").focus(); });
  window.addEventListener("online", heartbeat);
  setInterval(heartbeat, 3000);
  start();
})();
