// Pass tokens in the browser: the same layout as tickets/signing/tokens.py (docs/qr-token.md), verified with
// WebCrypto Ed25519, else with the vendored @noble/ed25519 (ed25519-fallback.js). Pure functions; no network.
"use strict";
(function (global) {
  const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const DOMAIN = new TextEncoder().encode("expo-pass");
  const HEADER = 16, SIGNATURE = 64, EPOCH_MS = Date.UTC(2000, 0, 1);

  function base32(text) {
    if (!text || text.length > 400) return null;
    let bits = 0, value = 0; const out = [];
    for (const ch of text) {
      const i = ALPHABET.indexOf(ch);
      if (i < 0) return null;
      value = (value << 5) | i; bits += 5;
      if (bits >= 8) { bits -= 8; out.push((value >> bits) & 0xff); }
    }
    if (value & ((1 << bits) - 1)) return null; // one spelling only, as on the server
    return new Uint8Array(out);
  }

  function parse(text) {
    const raw = base32(text);
    if (!raw || raw.length < HEADER + 1 + SIGNATURE || raw[0] !== 1) return null;
    const view = new DataView(raw.buffer);
    const maskLen = raw[15], end = HEADER + maskLen;
    if (maskLen < 1 || maskLen > 16 || raw.length !== end + SIGNATURE) return null;
    let serial = 0;
    for (let i = 6; i < 12; i++) serial = serial * 256 + raw[i];
    const first = view.getUint16(13), days = [];
    for (let i = 0; i < maskLen * 8; i++) {
      if (raw[HEADER + (i >> 3)] & (1 << (i & 7))) {
        days.push(new Date(EPOCH_MS + (first + i) * 86400000).toISOString().slice(0, 10));
      }
    }
    return { keyId: raw[1], expoId: view.getUint32(2), serial, kind: raw[12], days,
             payload: raw.slice(0, end), signature: raw.slice(end) };
  }

  function keyBytes(text) {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  }

  // The noble fallback comes from a module script (ed25519-fallback.js). Module scripts run after
  // this classic one but before DOMContentLoaded, so by then it is there or it never will be (no
  // module support, load error): no scan waits longer than the page's own loading.
  const fallbackSettled = new Promise((resolve) => {
    if (global.ExpoEd25519 || document.readyState === "complete") { resolve(); return; }
    global.addEventListener("expo-ed25519-ready", () => resolve(), { once: true });
    document.addEventListener("DOMContentLoaded", () => resolve(), { once: true });
    global.addEventListener("load", () => resolve(), { once: true });
  });

  // -> true | false, or null when neither WebCrypto Ed25519 nor the fallback can check it
  async function signatureGood(keyText, signature, signed) {
    try {
      const key = await crypto.subtle.importKey("raw", keyBytes(keyText), { name: "Ed25519" }, false, ["verify"]);
      return await crypto.subtle.verify({ name: "Ed25519" }, key, signature, signed);
    } catch (err) {
      // no Ed25519 in this browser's WebCrypto: try the fallback
    }
    await fallbackSettled;
    const noble = global.ExpoEd25519;
    if (!noble) return null;
    try {
      return (await noble.verify(signature, signed, keyBytes(keyText))) === true;
    } catch (err) {
      return null; // e.g. no crypto.subtle.digest (not a secure context)
    }
  }

  // -> {code: "ok"|"invalid"|"invalid_signature"|"wrong_expo"|"unverifiable", claims}
  async function verify(text, publicKeys, expoId) {
    const claims = parse(text.trim());
    if (!claims) return { code: "invalid" };
    const keyText = publicKeys[claims.keyId];
    if (!keyText) return { code: "invalid_signature", claims };
    const signed = new Uint8Array(DOMAIN.length + claims.payload.length);
    signed.set(DOMAIN); signed.set(claims.payload, DOMAIN.length);
    const good = await signatureGood(keyText, claims.signature, signed);
    if (good === null) return { code: "unverifiable", claims };
    if (!good) return { code: "invalid_signature", claims };
    if (claims.expoId !== expoId) return { code: "wrong_expo", claims };
    return { code: "ok", claims };
  }

  global.PassTokens = { parse, verify };
})(window);
