/* Bobao player: the timeline — where each sentence starts, where the listener is, the seek bar and
 * the clock, and seeking. Before the page MP3 exists, times are sums of the sentence clips. */
function totalMs(P) {
  if (pageReady(P) && P.manifest.audio.duration_ms) return P.manifest.audio.duration_ms;
  return P.sentences.reduce((sum, s) => sum + (s.data.duration_ms || 0), 0);
}
function startMsOf(P, i) {
  if (pageReady(P) && P.sentences[i].data.start_ms != null) return P.sentences[i].data.start_ms;
  let sum = 0;
  for (let k = 0; k < i; k += 1) sum += P.sentences[k].data.duration_ms || 0;
  return sum;
}
function piecesMs(P, i, k) { return Queue.piecesMs(P.sentences[i].data, k); }
function positionMs(P) {
  const audio = P.audio;
  if (P.mode === "page") return audio.currentTime * 1000;
  if (!P.sentences.length) return 0;
  if (P.mode === "piece") return startMsOf(P, P.index) + piecesMs(P, P.index, P.piece) + audio.currentTime * 1000;
  return startMsOf(P, P.index) + (P.mode === "clip" ? audio.currentTime * 1000 : 0);
}
function updateTime(P) {
  const seek = $("seek");
  const total = totalMs(P);
  const pos = Math.min(positionMs(P), total);
  seek.max = String(Math.max(0, Math.round(total / 1000)));
  if (document.activeElement !== seek || !P.seeking) seek.value = String(Math.round(pos / 1000));
  seek.setAttribute("aria-valuetext", spokenTime(pos) + "，共" + spokenTime(total));
  $("time").textContent = clock(pos) + " / " + clock(total);
}

function seekTo(P, ms) {
  ms = Math.max(0, Math.min(ms, totalMs(P)));
  if (pageReady(P)) seekInPage(P, ms);
  else seekInClips(P, ms);
}
function seekInPage(P, ms) {
  if (P.mode !== "page") { P.mode = "page"; P.audio.src = P.manifest.audio.mp3; }
  P.audio.currentTime = ms / 1000;
  syncFromTime(P, ms);
  if (P.playing) audioPlay(P);
  updateTime(P);
}
// Before the page MP3: the sentence holding ms, among those whose clips exist so far.
function seekInClips(P, ms) {
  let sum = 0;
  for (let i = 0; i < P.sentences.length; i += 1) {
    const d = P.sentences[i].data.duration_ms;
    if (!d) break;
    if (ms < sum + d) {
      if (P.playing) startAt(P, i, ms - sum);
      else selectSentence(P, i);
      return;
    }
    sum += d;
  }
}
// Not playing: sentence i becomes the one 播放 starts from.
function selectSentence(P, i) {
  P.index = i;
  highlight(P, i);
  P.mode = null;
  updateTime(P);
}
// The page MP3 is at ms: the current sentence is the last one started by then.
function syncFromTime(P, ms) {
  let found = P.index;
  for (let i = 0; i < P.sentences.length; i += 1) {
    const start = P.sentences[i].data.start_ms;
    if (start == null || start > ms) break;
    found = i;
  }
  if (found !== P.index) { P.index = found; highlight(P, found); }
}
