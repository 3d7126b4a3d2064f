/* Bobao player page: renders a document manifest and plays it with one persistent <audio>.
 *
 * While the document is still being synthesized the player walks the sentence clips in order
 * (streaming: the first sentence plays as soon as it exists); once the manifest is "ready" it plays
 * the page MP3 and uses the sentence start_ms/end_ms for highlighting and seeking.
 * Keyboard model for the text: the whole text is ONE tab stop (roving tabindex over sentences);
 * arrow keys move between sentences, Enter or Space plays from the focused one.
 * Served assembled (web/jsbundle.py) after the shared core (web/static/core/: Settings, Api,
 * createPoller, Queue, Marks, Captions, Media, createAnnouncer) and the player's parts
 * (web/static/player/), each a few functions of the one player object P (player/state.js).
 * This file only starts it: the 朗读 form alone on the home page, the whole player on /d/<id>.
 */
function startPlayer() {
  const app = $("player-app");
  if (!app) return;
  const P = createPlayer(app);
  const voice = { get: () => P.settings.voice, set: (name) => { P.settings.voice = name; saveSettings(P); } };
  if (!P.docId) {
    setupReadForm(app, voice);
    return;
  }
  wireAudio(P);
  wireDetach(P);
  wireTransport(P);
  wirePreferences(P);
  wireSeek(P);
  wireText(P);
  wireShortcuts(P);
  P.poller = createManifestPoller(P);
  applySettings(P);
  setupReadForm(app, voice);
  P.poller.now();
}

startPlayer();
