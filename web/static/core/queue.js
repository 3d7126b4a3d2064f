/* Bobao core: the clip and lead-in piece queue of one sentence, and starting the <audio>.
 *
 * A sentence plays as one whole (its clip, or its span of the page MP3 once the page is ready). The
 * first sentence of an uncached page also arrives as lead-in pieces (manifest "pieces": {count,
 * ready: [{clip, duration_ms}]}), each playable before the whole exists. These functions only decide
 * what comes next; the UI owns the <audio> element and its controls. `whole` says the page MP3 is
 * ready (the player); the widget always passes false.
 */
const Queue = {
  // Where lead-in piece k starts inside its sentence.
  piecesMs(sentence, k) {
    const ready = (sentence.pieces && sentence.pieces.ready) || [];
    return ready.slice(0, k).reduce((sum, piece) => sum + piece.duration_ms, 0);
  },
  hasWhole(sentence, whole) {
    return !!(whole || sentence.clip);
  },
  // Starting a sentence at offsetMs: {kind: "whole"}, {kind: "piece", piece: 0} or {kind: "wait"}.
  start(sentence, offsetMs, whole) {
    if (Queue.hasWhole(sentence, whole)) return { kind: "whole", offsetMs: offsetMs || 0 };
    if (!offsetMs && sentence.pieces && sentence.pieces.ready.length) return { kind: "piece", piece: 0 };
    return { kind: "wait" };
  },
  // Piece k ended: the next piece, the whole from where the pieces got to, the sentence's end, or a wait.
  afterPiece(sentence, k, whole) {
    const next = k + 1;
    if (next >= sentence.pieces.count) return { kind: "end" };
    if (next < sentence.pieces.ready.length) return { kind: "piece", piece: next };
    if (Queue.hasWhole(sentence, whole)) return { kind: "whole", offsetMs: Queue.piecesMs(sentence, next) };
    return { kind: "wait", piece: next };
  },
  // A new manifest while waiting (at piece waitPiece, or null: for the sentence's start): what can
  // play now, or null to keep waiting.
  resume(sentence, waitPiece, whole) {
    const ready = (sentence.pieces && sentence.pieces.ready) || [];
    if (waitPiece != null) {
      if (Queue.hasWhole(sentence, whole)) return { kind: "whole", offsetMs: Queue.piecesMs(sentence, waitPiece) };
      return ready.length > waitPiece ? { kind: "piece", piece: waitPiece } : null;
    }
    return Queue.hasWhole(sentence, whole) || ready.length ? { kind: "start" } : null;
  },
  // Speed, volume (0–1, or null to leave it) and mute, pitch kept at any speed.
  tune(audio, rate, volume, muted) {
    audio.playbackRate = rate;
    audio.preservesPitch = true;
    if (volume != null) audio.volume = volume;
    audio.muted = muted;
  },
  // audio.play(); a browser that blocks autoplay calls blocked() (the UI offers 点击继续播放).
  play(audio, started, blocked) {
    const attempt = audio.play();
    if (attempt && attempt.catch) {
      attempt.then(started).catch((err) => {
        if (err && err.name === "NotAllowedError") blocked();
      });
    }
  },
};
