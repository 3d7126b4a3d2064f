/* Bobao widget: entering and leaving broadcast mode, and the snippets read on their own (指读 and a
 * selection). w is the widget (createWidget in widget.js). */
// startNode: a place in the page ({node, offset}) to start reading at (连读), else the first sentence.
async function enter(w, startNode) {
  if (!w.active) openPanel(w);
  w.announce("语音合成中,请耐心等待...");
  try {
    if (!w.reading) w.reading = await prepare(w);
  } catch (e) {
    fail(w, await unreachableMessage());
    return;
  }
  if (!w.active) return;
  showDownload(w, w.reading.manifest);
  let index = 0;
  if (startNode) index = Math.max(0, sentenceAt(w.reading.entries, startNode));
  startQueue(w, w.reading, index, { highlight: true, startMessage: "已进入播报模式" });
}
function openPanel(w) {
  w.active = true;
  w.$("launcher").setAttribute("aria-expanded", "true");
  w.$("panel").hidden = false;
  w.root.classList.add("active");
  pagePadding(w);
  document.adoptedStyleSheets = document.adoptedStyleSheets.concat([w.sheets.page]);
  applySettings(w);
  w.$("play").focus();
}
function exit(w) {
  if (!w.active) return;
  stop(w, true);
  if (w.poller) w.poller.stop();
  clearHighlight(w);
  w.active = false;
  w.detached = false;
  w.queue = null;
  applyVisuals(w);
  w.$("panel").hidden = true;
  w.$("captionbar").hidden = true;
  w.root.classList.remove("active");
  w.$("launcher").setAttribute("aria-expanded", "false");
  document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== w.sheets.page);
  w.$("launcher").focus();
  w.announce("已退出播报模式");
}

// A snippet's reading is kept by its text, so reading it again starts at once.
async function speakText(w, text, label) {
  if (!w.settings.sound || !text) return;
  let reading = w.snippets.get(text);
  try {
    if (!reading) {
      reading = await createReading(w, { text: text }, null);
      w.snippets.set(text, reading);
    }
  } catch (e) {
    fail(w, await unreachableMessage());
    return;
  }
  startQueue(w, reading, 0, { highlight: false, startMessage: label });
}
function pointAt(w, target) {
  if (!w.settings.point || !w.settings.sound) return;
  const text = describe(w.host, target);
  if (text && text !== w.lastPointed) {
    w.lastPointed = text;
    speakText(w, text, "指读");
  }
}
