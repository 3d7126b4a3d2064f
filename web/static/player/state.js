/* Bobao player: its constants and the one object every part of it is given (P: the playback state
 * and the handles the parts share), with small helpers over the page's fixed elements. */
const POLL_MS = 600;
const WAITING_POLL_MS = 250;  // a listener is waiting for sound: look again sooner
const DEFAULT_SETTINGS = { rate: 1, volume: 100, muted: false, follow: true, caption: false, contrast: false,
  large: false, script: "simplified", voice: "" };
const SETTINGS_KEY = "bobao:settings";
const $ = (id) => document.getElementById(id);

// sentences: [{data (the manifest's sentence), el (its span), section}]; index: the current one.
// mode: how the <audio> plays now — "page" (the page MP3), "clip" (the sentence's clip), "piece"
// (lead-in piece `piece`), or null (nothing loaded). waiting: silent until synthesis catches up
// (waitPiece: at that lead-in piece, else null). stopAfter: 朗读本节 ends after that sentence.
// detached: the listener scrolled away, so the page stops following. poller: set once wired.
function createPlayer(app) {
  return {
    docId: app.dataset.docId, audio: $("audio"), announce: createAnnouncer(() => $("status")), poller: null,
    reducedMotion: window.matchMedia("(prefers-reduced-motion: reduce)"),
    manifest: null, sentences: [], sections: [], index: 0, playing: false, mode: null,
    waiting: false, waitSince: 0, piece: null, waitPiece: null, stillAnnounced: false, detached: false, stopAfter: null,
    seeking: false, captionScripts: null, captionLoading: false,
    settings: Settings.load(SETTINGS_KEY, Object.assign({}, DEFAULT_SETTINGS)),
  };
}

function saveSettings(P) { Settings.save(SETTINGS_KEY, P.settings); }
function positionKey(P) { return "bobao:pos:" + P.docId; }
function savePosition(P) { Settings.save(positionKey(P), P.index); }
// Once the page MP3 exists it is what plays, seeks and times; until then the sentence clips are.
function pageReady(P) {
  return P.manifest && P.manifest.status === "ready" && P.manifest.audio && P.manifest.audio.mp3;
}

function showAlert(message) {
  $("alert").textContent = message;
  $("alert-box").hidden = false;
}
function hideAlert() {
  $("alert-box").hidden = true;
  $("alert").textContent = "";
}
