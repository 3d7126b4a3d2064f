/* Bobao core: lock-screen and headset controls (Media Session API), and the live status line. */
const Media = {
  available() {
    return "mediaSession" in navigator && !!window.MediaMetadata;
  },
  // metadata: {title, artist, album}; handlers: action name → function (unsupported actions skipped).
  set(metadata, handlers) {
    if (!Media.available()) return;
    navigator.mediaSession.metadata = new MediaMetadata(metadata);
    Object.entries(handlers).forEach(([name, fn]) => {
      try { navigator.mediaSession.setActionHandler(name, fn); } catch (e) { /* unsupported action */ }
    });
  },
  // The sentence being read, shown as the track's artist line.
  sentence(text) {
    if ("mediaSession" in navigator && navigator.mediaSession.metadata) {
      navigator.mediaSession.metadata.artist = text.slice(0, 60);
    }
  },
};

// A role=status line: clear then set, so a repeated state (pause twice) is announced each time.
function createAnnouncer(statusEl) {
  let last = "";
  return function announce(message) {
    const status = statusEl();
    if (!status) return;
    status.textContent = "";
    last = message;
    setTimeout(() => { if (last === message) status.textContent = message; }, 30);
  };
}
