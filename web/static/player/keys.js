/* Bobao player: the keyboard — the seek bar's steps, the text as ONE tab stop (arrows move between
 * sentences, Enter or Space plays from the focused one), clicks in the text, and Alt+P anywhere. */
const SEEK_STEPS_S = { ArrowLeft: -5, ArrowDown: -5, ArrowRight: 5, ArrowUp: 5, PageUp: 30, PageDown: -30 };
const SENTENCE_MOVES = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };

function wireSeek(P) {
  const seek = $("seek");
  seek.addEventListener("input", () => { P.seeking = true; seekTo(P, Number(seek.value) * 1000); P.seeking = false; });
  seek.addEventListener("keydown", (e) => {
    let target = null;
    if (e.key in SEEK_STEPS_S) target = positionMs(P) + SEEK_STEPS_S[e.key] * 1000;
    else if (e.key === "Home") target = 0;
    else if (e.key === "End") target = totalMs(P);
    if (target === null) return;
    e.preventDefault();
    seekTo(P, target);
  });
}

function wireText(P) {
  const body = $("doc-body");
  body.addEventListener("click", (e) => {
    const span = e.target.closest(".s");
    if (span) playFrom(P, Number(span.dataset.i));
    const btn = e.target.closest(".read-section");
    if (btn) {
      const info = P.sections[Number(btn.dataset.section)];
      if (info && info.first <= info.last) playFrom(P, info.first, info.last);
    }
  });
  body.addEventListener("keydown", (e) => onTextKey(P, e));
}
// Roving tabindex: the key moves the text's one tab stop to another sentence, or plays from this one.
function onTextKey(P, e) {
  const span = e.target.closest && e.target.closest(".s");
  if (!span) return;
  const i = Number(span.dataset.i);
  let target = null;
  if (e.key in SENTENCE_MOVES) target = i + SENTENCE_MOVES[e.key];
  else if (e.key === "Home") target = 0;
  else if (e.key === "End") target = P.sentences.length - 1;
  else if (e.key === "Enter" || e.key === " ") { e.preventDefault(); playFrom(P, i); return; }
  if (target === null || target < 0 || target >= P.sentences.length) return;
  e.preventDefault();
  P.sentences.forEach((s) => { s.el.tabIndex = -1; });
  P.sentences[target].el.tabIndex = 0;
  P.sentences[target].el.focus();
}

// Alt+P plays or pauses from anywhere but a field the listener types in.
function wireShortcuts(P) {
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    if (t.closest && t.closest("input, textarea, select, [contenteditable]")) return;
    if (e.altKey && !e.ctrlKey && !e.metaKey && e.code === "KeyP") {
      e.preventDefault();
      if (P.playing) pause(P);
      else play(P);
    }
  });
}
