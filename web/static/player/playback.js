/* Bobao player: the one <audio> — starting a sentence as the page MP3, its clip or its lead-in
 * pieces (web/static/core/queue.js decides which), waiting for synthesis, and what follows when a
 * clip or piece ends. */
function applyAudioSettings(P) {
  Queue.tune(P.audio, P.settings.rate, P.settings.volume / 100, P.settings.muted);
}
function audioPlay(P) {
  applyAudioSettings(P);
  Queue.play(P.audio, () => { $("unlock").hidden = true; }, () => {
    setPlaying(P, false);
    $("unlock").hidden = false;
    P.announce("浏览器阻止了自动播放，请点击继续播放");
  });
}

// Sentence i (clamped), offsetMs into it: whatever of it can play now, else wait for synthesis.
function startAt(P, i, offsetMs) {
  if (!P.sentences.length) return;
  P.index = Math.max(0, Math.min(i, P.sentences.length - 1));
  highlight(P, P.index);
  const sentence = P.sentences[P.index].data;
  P.waitPiece = null;
  const step = Queue.start(sentence, offsetMs, pageReady(P));
  if (step.kind === "whole" && pageReady(P)) playPageAt(P, offsetMs);
  else if (step.kind === "whole") playClip(P, sentence, offsetMs);
  else if (step.kind === "piece") playPiece(P, 0);
  else waitForSound(P, null);
  updateTime(P);
}
function playPageAt(P, offsetMs) {
  if (P.mode !== "page") {
    P.mode = "page";
    P.audio.src = P.manifest.audio.mp3;
  }
  P.audio.currentTime = (startMsOf(P, P.index) + (offsetMs || 0)) / 1000;
  setWaiting(P, false);
  audioPlay(P);
}
function playClip(P, sentence, offsetMs) {
  P.mode = "clip";
  setWaiting(P, false);
  P.audio.src = sentence.clip;
  if (offsetMs) P.audio.currentTime = offsetMs / 1000;
  audioPlay(P);
}
function playPiece(P, k) {
  P.mode = "piece";
  P.piece = k;
  setWaiting(P, false);
  P.waitPiece = null;
  P.audio.src = P.sentences[P.index].data.pieces.ready[k].clip;
  audioPlay(P);
}
// Silence until the sentence (or its lead-in piece `piece`) exists; the poller looks again soon.
function waitForSound(P, piece) {
  P.audio.pause();
  P.waitPiece = piece;
  setWaiting(P, true);
  if (P.manifest) P.poller.schedule(WAITING_POLL_MS);
}

// A piece ended: play the next one, or the sentence's clip from where the pieces got to, or wait.
function afterPiece(P) {
  const step = Queue.afterPiece(P.sentences[P.index].data, P.piece, pageReady(P));
  if (step.kind === "end") afterSentence(P);
  else if (step.kind === "piece") playPiece(P, step.piece);
  else if (step.kind === "whole") startAt(P, P.index, step.offsetMs);
  else waitForSound(P, step.piece);
}
function afterSentence(P) {
  if (P.stopAfter === P.index || P.index + 1 >= P.sentences.length) { finish(P); return; }
  startAt(P, P.index + 1);
}

// In page mode the time picks the sentence (and ends a 朗读本节 at its last sentence).
function onTimeUpdate(P) {
  if (P.mode === "page") {
    const ms = P.audio.currentTime * 1000;
    syncFromTime(P, ms);
    if (P.stopAfter != null) {
      const end = P.sentences[P.stopAfter].data.end_ms;
      if (end != null && ms >= end) { P.audio.pause(); finish(P); }
    }
  }
  markClause(P);  // after the page position has picked the sentence
  updateTime(P);
}
function wireAudio(P) {
  const audio = P.audio;
  audio.addEventListener("timeupdate", () => onTimeUpdate(P));
  audio.addEventListener("ended", () => {
    if (P.mode === "clip" && P.playing) afterSentence(P);
    else if (P.mode === "piece" && P.playing) afterPiece(P);
    else finish(P);
  });
  audio.addEventListener("error", () => {
    if (!audio.getAttribute("src")) return;
    setPlaying(P, false);
    showAlert("音频加载失败，请检查网络后重试。");
  });
}
