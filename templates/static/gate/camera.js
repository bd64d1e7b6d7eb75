// The phone's camera as a QR reader, shared by the gate scanner and the exhibitors' lead scanner:
// BarcodeDetector where the browser has it, else the vendored jsQR on canvas frames (load
// /static/vendor/jsqr/jsQR.js first). Each code read is handed to onText, the same code again only
// after 4 seconds (a pass held in front of the camera is one scan).
"use strict";
window.qrCamera = {
  async start(video, onText) {
    video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    video.hidden = false; await video.play();
    let detector = null;
    if ("BarcodeDetector" in window) {
      try {
        if ((await BarcodeDetector.getSupportedFormats()).includes("qr_code")) detector = new BarcodeDetector({ formats: ["qr_code"] });
      } catch (e) { detector = null; }
    }
    const canvas = document.createElement("canvas"), draw = canvas.getContext("2d", { willReadFrequently: true });
    async function read() {
      if (detector) { const codes = await detector.detect(video); return codes.length ? codes[0].rawValue : ""; }
      if (!video.videoWidth) return "";
      canvas.width = video.videoWidth; canvas.height = video.videoHeight;
      draw.drawImage(video, 0, 0);
      const frame = draw.getImageData(0, 0, canvas.width, canvas.height);
      const code = window.jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" });
      return code ? code.data : "";
    }
    let last = "", lastAt = 0;
    const tick = async () => {
      try {
        const text = await read();
        if (text && (text !== last || Date.now() - lastAt > 4000)) { last = text; lastAt = Date.now(); await onText(text); }
      } catch (e) { /* frame not ready */ }
      setTimeout(tick, 200);
    };
    tick();
  },
};
