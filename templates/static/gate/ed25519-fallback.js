// Loaded as <script type="module">: hands the vendored @noble/ed25519 to tokens.js (a classic script),
// which uses it only when the browser's WebCrypto has no Ed25519. Verification only, never signing.
import { verifyAsync } from "/static/vendor/noble-ed25519/index.js";

// RFC 8032 strict (canonical encodings, no small-order keys), like the server's verification.
window.ExpoEd25519 = {
  verify: (signature, message, publicKey) => verifyAsync(signature, message, publicKey, { zip215: false }),
};
window.dispatchEvent(new Event("expo-ed25519-ready"));
