/* Bobao player: what shows the sentence being heard — its highlight (and the text's one tab stop),
 * the clause underlined inside it, and the 大字幕 caption in 简体, 繁體 or 拼音. */
function highlight(P, i, quiet) {
  document.querySelectorAll("#doc-body .s.current").forEach((n) => n.classList.remove("current"));
  Marks.clear();
  const entry = P.sentences[i];
  if (!entry) return;
  entry.el.classList.add("current");
  // The roving tab stop follows the reading, except while the listener moves it in the text.
  if (document.activeElement === null || !entry.el.parentNode.closest("#doc-body").contains(document.activeElement)) {
    P.sentences.forEach((s) => { s.el.tabIndex = -1; });
    entry.el.tabIndex = 0;
  }
  renderCaption(P);
  if (P.playing) savePosition(P);
  Media.sentence(entry.data.text);
  if (!quiet && P.settings.follow && !P.detached) scrollToCurrent(P);
}

// The clause being heard, underlined inside the highlighted sentence (on timeupdate).
function markClause(P) {
  const entry = P.sentences[P.index];
  const marks = entry && entry.data.marks;
  if (!Marks.supported()) return;
  if (!marks || !P.mode || P.waiting) { Marks.clear(); return; }
  let offsetMs = P.audio.currentTime * 1000;
  if (P.mode === "page") offsetMs -= entry.data.start_ms || 0;
  else if (P.mode === "piece") offsetMs += piecesMs(P, P.index, P.piece);
  const mark = Marks.at(marks, offsetMs);
  const node = entry.el.firstChild;
  if (!node || node.nodeType !== Node.TEXT_NODE || mark.end > node.length) return;
  const range = document.createRange();
  range.setStart(node, mark.start);
  range.setEnd(node, mark.end);
  Marks.show(range);
}

// 简体 needs nothing more; 繁體 and 拼音 come from the caption API once, when first shown.
function renderCaption(P) {
  const entry = P.sentences[P.index];
  const box = $("caption-text");
  box.textContent = "";
  if (!entry) return;
  Captions.render(box, entry.data.text, P.captionScripts && P.captionScripts[entry.data.id], P.settings.script);
}
async function loadCaptionScripts(P) {
  if (P.captionScripts || P.settings.script === "simplified" || P.captionLoading) return;
  P.captionLoading = true;
  try {
    P.captionScripts = await Captions.load("", P.docId);
  } catch (e) {
    P.announce("字幕暂时只能显示简体。");
  } finally {
    P.captionLoading = false;
  }
  renderCaption(P);
}
