/* Bobao widget: what is shown of the sentence being read: its highlight in the host page (the CSS
 * Custom Highlight API, else boxes in the shadow root), the clause being heard, following it down
 * the page, and the 大字幕 caption. w is the widget (createWidget in widget.js). */
function showHighlight(w, entry) {
  clearHighlight(w);
  renderCaption(w, entry);
  if (!entry || !entry.range) return;
  if (window.CSS && CSS.highlights && window.Highlight) {
    CSS.highlights.set("bobao-current", new Highlight(...entry.ranges));
  } else {
    drawOverlay(w, entry.ranges);
  }
  follow(w, entry.range);
  w.maskTarget = entry.range;  // the reading mask follows the sentence until the pointer moves
  maskOnTarget(w);
}
function clearHighlight(w) {
  if (window.CSS && CSS.highlights) CSS.highlights.delete("bobao-current");
  Marks.clear();
  w.$("overlay").textContent = "";
}
function drawOverlay(w, ranges) {
  drawBoxes(w.$("overlay"), ranges);
}
function markClause(w) {
  const queue = w.queue;
  const entry = queue && queue.highlight && queue.entries[w.index];
  if (!Marks.supported()) return;
  if (!entry || !entry.data.marks || !entry.range || w.waiting) { Marks.clear(); return; }
  const offsetMs = w.audio.currentTime * 1000 + (w.piece != null ? Queue.piecesMs(entry.data, w.piece) : 0);
  Marks.show(clauseRange(entry, Marks.at(entry.data.marks, offsetMs)));
}
function follow(w, range, force) {
  if (!force && (!w.settings.follow || w.detached)) return;
  const rect = range.getBoundingClientRect();
  const bottomLimit = window.innerHeight - w.$("panel").offsetHeight - (w.$("captionbar").hidden ? 0 : w.$("captionbar").offsetHeight) - 16;
  if (rect.top >= 16 && rect.bottom <= bottomLimit) return;
  const smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  window.scrollBy({ top: rect.top - window.innerHeight / 3, behavior: smooth ? "smooth" : "auto" });
}

// 大字幕 in 简体, 繁體 or 拼音 (ruby over each character, read as the voice reads it).
function renderCaption(w, entry) {
  const box = w.$("captiontext");
  box.textContent = "";
  w.captionEntry = entry || null;
  if (!entry) return;
  const scripts = w.queue && w.queue.scripts;
  Captions.render(box, entry.data.text, scripts && scripts[entry.data.id], w.settings.script);
}
async function loadScripts(w, reading) {
  if (!reading || reading.scripts || reading.scriptsLoading || w.settings.script === "simplified") return;
  reading.scriptsLoading = true;
  try {
    reading.scripts = await Captions.load(ORIGIN, reading.manifest.id);
  } catch (e) {
    w.announce("字幕暂时只能显示简体");
  }
  reading.scriptsLoading = false;
  if (w.captionEntry && w.queue === reading) renderCaption(w, w.captionEntry);
}
