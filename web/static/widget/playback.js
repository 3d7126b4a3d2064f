/* Bobao widget: playing a reading sentence by sentence (whole clips, or lead-in pieces while the
 * whole is synthesized) through the shadow root's <audio>, and the controls' state while it plays.
 * What comes next is the core's Queue; w is the widget (createWidget in widget.js). */
function setPlaying(w, playing) {
  w.playing = playing;
  w.$("play").querySelector(".label").textContent = playing ? "暂停" : "播放";
}
// Waiting for synthesis is said in the status line; the button never offers 暂停 over silence.
function setWaiting(w, waiting) {
  w.waiting = waiting;
  const label = waiting ? "播放" : w.playing ? "暂停" : "播放";
  w.$("play").querySelector(".label").textContent = label;
  w.$("play").setAttribute("aria-disabled", String(waiting));
  if (waiting) w.announce("语音合成中");
}
function applyAudio(w) {
  Queue.tune(w.audio, w.settings.rate, null, !w.settings.sound);
}
function showProgress(w) {
  w.$("progress").textContent = "第 " + (w.index + 1) + " 句，共 " + w.queue.entries.length + " 句";
}
function startQueue(w, reading, index, options) {
  if (!w.settings.sound) { w.announce("声音已关闭，请先打开声音开关"); return; }
  w.queue = reading;
  reading.highlight = options.highlight;
  reading.announceStart = true;
  reading.startMessage = options.startMessage || "开始朗读";
  hideAlert(w);
  setPlaying(w, true);
  pollReading(w, reading);
  if (w.settings.caption) loadScripts(w, reading);
  playIndex(w, index);
}
function playIndex(w, i, offsetMs) {
  const queue = w.queue;
  if (!queue || i < 0 || i >= queue.entries.length) return;
  w.index = i;
  w.piece = null;
  w.waitPiece = null;
  const entry = queue.entries[i];
  showProgress(w);
  if (queue.highlight) showHighlight(w, entry);
  else renderCaption(w, entry);
  const next = Queue.start(entry.data, offsetMs, false);
  if (next.kind === "whole") playUrl(w, entry.data.clip, offsetMs);
  else if (next.kind === "piece") playPiece(w, 0);
  else { w.audio.pause(); setWaiting(w, true); }
}
function playPiece(w, k) {
  w.piece = k;
  w.waitPiece = null;
  playUrl(w, w.queue.entries[w.index].data.pieces.ready[k].clip, 0);
}
function playUrl(w, url, offsetMs) {
  const queue = w.queue;
  const entry = queue.entries[w.index];
  const waited = w.waiting;
  w.audio.src = ORIGIN + url;
  if (offsetMs) w.audio.currentTime = offsetMs / 1000;
  applyAudio(w);
  Queue.play(w.audio, () => {
    w.$("unlock").hidden = true;
    if (queue.announceStart) { queue.announceStart = false; w.announce(queue.startMessage); }
  }, () => {
    setPlaying(w, false);
    w.$("unlock").hidden = false;
    w.announce("浏览器阻止了播放，请点击继续播放");
  });
  setPlaying(w, true);
  setWaiting(w, false);
  if (waited) w.announce("继续朗读");
  updateMediaSession(w, entry);
}
function afterPiece(w) {
  const next = Queue.afterPiece(w.queue.entries[w.index].data, w.piece, false);
  if (next.kind === "end") { afterSentence(w); return; }
  if (next.kind === "piece") { playPiece(w, next.piece); return; }
  if (next.kind === "whole") { playIndex(w, w.index, next.offsetMs); return; }
  w.waitPiece = next.piece;
  w.audio.pause();
  setWaiting(w, true);
}
function afterSentence(w) {
  if (w.index + 1 < w.queue.entries.length) playIndex(w, w.index + 1);
  else { setPlaying(w, false); w.announce(w.queue === w.reading ? "朗读完毕" : "朗读结束"); }
}

function pause(w) { setPlaying(w, false); setWaiting(w, false); w.audio.pause(); w.announce("已暂停"); }
function resume(w) {
  if (!w.queue) { enter(w); return; }
  if (!w.settings.sound) { w.announce("声音已关闭，请先打开声音开关"); return; }
  setPlaying(w, true);
  if (w.audio.getAttribute("src") && !w.audio.ended && w.audio.currentTime > 0) { applyAudio(w); w.audio.play().catch(() => {}); }
  else playIndex(w, w.index);
  w.announce("继续播放");
}
function stop(w, quiet) {
  setPlaying(w, false);
  setWaiting(w, false);
  w.audio.pause();
  w.audio.removeAttribute("src");
  w.audio.load();
  if (!quiet) w.announce("已停止");
}
function step(w, delta) {
  if (!w.queue) return;
  const target = w.index + delta;
  if (target < 0 || target >= w.queue.entries.length) return;
  if (w.playing) playIndex(w, target);
  else {
    w.index = target;
    showProgress(w);
    if (w.queue.highlight) showHighlight(w, w.queue.entries[target]);
    else renderCaption(w, w.queue.entries[target]);
  }
}
function fail(w, message) {
  setPlaying(w, false);
  setWaiting(w, false);
  showAlert(w, message);
  if (!w.active) w.announce(message);  // the panel (and its alert) is closed: say it in the status line
}
function showAlert(w, message) { w.$("alert").textContent = message; w.$("alertbox").hidden = false; }
function hideAlert(w) { w.$("alertbox").hidden = true; w.$("alert").textContent = ""; }

function updateMediaSession(w, entry) {
  Media.set({ title: document.title, artist: entry.data.text.slice(0, 60), album: "语音播报" }, {
    play: () => resume(w), pause: () => pause(w), stop: () => stop(w), previoustrack: () => step(w, -1),
    nexttrack: () => step(w, 1), seekto: (d) => { w.audio.currentTime = d.seekTime || 0; },
  });
}
function wireAudio(w) {
  const audio = w.audio;
  listen(w, audio, "ended", () => {
    if (!w.playing || !w.queue) return;
    if (w.piece != null) afterPiece(w);
    else afterSentence(w);
  });
  listen(w, audio, "timeupdate", () => markClause(w));
  listen(w, audio, "error", () => { if (audio.getAttribute("src")) fail(w, "音频加载失败，请检查网络后重试。"); });
}
