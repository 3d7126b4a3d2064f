/* Bobao player: the listener's transport — 播放/暂停, 停止, sentence and section jumps, 朗读本节,
 * and the same actions from the lock screen and headset (Media Session). */
function setPlaying(P, on) {
  P.playing = on;
  const btn = $("play");
  btn.querySelector(".label").textContent = on && !P.waiting ? "暂停" : "播放";
  btn.classList.toggle("is-playing", on);
  updateBackButton(P);
}
// Waiting for synthesis is said in the status line; the button never shows 暂停 over silence.
function setWaiting(P, on) {
  P.waiting = on;
  const btn = $("play");
  btn.querySelector(".label").textContent = P.playing && !on ? "暂停" : "播放";
  btn.setAttribute("aria-disabled", String(on));
  if (on) { P.waitSince = Date.now(); P.announce("语音合成中"); }
}

// 播放: resumes a paused sentence where it was, else starts the current one.
function play(P) {
  if (!P.sentences.length) return;
  hideAlert();
  $("resume").hidden = true;
  setPlaying(P, true);
  const audio = P.audio;
  if (P.mode && audio.src && !P.waiting && audio.paused && audio.currentTime > 0 && !audio.ended) {
    audioPlay(P);
  } else {
    startAt(P, P.index);
  }
  if (!P.waiting) P.announce("正在播放");
}
function pause(P) {
  setPlaying(P, false);
  setWaiting(P, false);
  P.audio.pause();
  P.announce("已暂停");
}
// 停止: silence, nothing loaded, back to the first sentence (also remembered as the position).
function stopReading(P) {
  setPlaying(P, false);
  setWaiting(P, false);
  P.stopAfter = null;
  P.audio.pause();
  if (P.mode === "page") P.audio.currentTime = 0;
  P.mode = null;
  P.audio.removeAttribute("src");
  P.audio.load();
  P.index = 0;
  highlight(P, 0, true);
  savePosition(P);
  updateTime(P);
  P.announce("已停止");
}
function finish(P) {
  setPlaying(P, false);
  P.stopAfter = null;
  P.announce("朗读完毕");
}
// Plays from sentence i; with stopAfter (a sentence index) it ends there (朗读本节).
function playFrom(P, i, stopAfter) {
  P.stopAfter = stopAfter == null ? null : stopAfter;
  hideAlert();
  $("resume").hidden = true;
  setPlaying(P, true);
  startAt(P, i);
  if (!P.waiting) P.announce("正在播放");
}
function jumpSentence(P, delta) {
  const target = P.index + delta;
  if (target < 0 || target >= P.sentences.length) return;
  if (P.playing) startAt(P, target);
  else selectSentence(P, target);
}
function jumpSection(P, delta) {
  const current = P.sentences[P.index] ? P.sentences[P.index].section : 0;
  const target = P.sections[current + delta];
  if (!target || target.first > target.last) return;
  jumpSentence(P, target.first - P.index);
}

function setupMediaSession(P) {
  Media.set({ title: P.manifest.title || "语音播报", artist: "", album: "播报" }, {
    play: () => play(P), pause: () => pause(P), stop: () => stopReading(P),
    previoustrack: () => jumpSentence(P, -1), nexttrack: () => jumpSentence(P, 1),
    seekbackward: () => seekTo(P, positionMs(P) - 10000), seekforward: () => seekTo(P, positionMs(P) + 10000),
    seekto: (d) => seekTo(P, (d.seekTime || 0) * 1000),
  });
}
