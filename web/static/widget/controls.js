/* Bobao widget: its keyboard shortcuts and event listeners, given the widget w (createWidget in
 * widget.js). Every listener goes through listen(), so teardown removes it. */
function wireControls(w) {
  wireToolbar(w);
  wireTools(w);
  wirePage(w);
}

// Alt+digit actions (remappable), Alt+Shift+Y, Alt+↑/↓ and Esc, never inside an editable field.
function shortcutHandler(w) {
  const runAction = {
    sound: () => toggleSetting(w, "sound", "声音"), rate: () => cycleRate(w),
    point: () => toggleSetting(w, "point", "指读"), cont: () => toggleSetting(w, "cont", "连读"),
    caption: () => toggleSetting(w, "caption", "大字幕"), reset: () => resetSettings(w),
    zoomin: () => stepZoom(w, 1), zoomout: () => stepZoom(w, -1),
    cursor: () => toggleVisual(w, "cursor", "大鼠标"), cross: () => toggleVisual(w, "cross", "十字辅助线"),
    theme: () => cycleTheme(w), mask: () => toggleVisual(w, "mask", "阅读遮罩"), text: () => openTextView(w),
  };
  function onKeydown(e) {
    const origin = e.composedPath()[0];
    if (isEditable(origin)) return;
    if (e.key === "Escape") {
      if (w.$("dialog").open || w.$("textview").open) return;
      if (w.menuOpen && w.compactQuery.matches) { e.preventDefault(); toggleMenu(w, false); return; }
      if (w.playing || w.waiting) { e.preventDefault(); stop(w); }
      return;
    }
    if (e.altKey && e.shiftKey && !e.ctrlKey && !e.metaKey && e.code === "KeyY") {
      e.preventDefault();
      w.$("launcher").focus();
      if (!w.active) enter(w);
      return;
    }
    if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    if (w.active && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
      e.preventDefault();
      stepZoom(w, e.key === "ArrowUp" ? 1 : -1);
      return;
    }
    const digit = /^(Digit|Numpad)(\d)$/.exec(e.code);
    if (!digit) return;
    const action = Object.keys(w.settings.keys).find((k) => w.settings.keys[k] === digit[2]);
    if (!action || !runAction[action]) return;
    e.preventDefault();
    runAction[action]();
  }
  return onKeydown;
}

// The first row: 语音播报, play, stop, steps, 语速, and the reading settings.
function wireToolbar(w) {
  const $ = w.$;
  const on = (target, type, fn, opts) => listen(w, target, type, fn, opts);
  RATES.forEach((rate) => {
    const option = document.createElement("option");
    option.value = String(rate);
    option.textContent = rate + "倍" + (rate === 1 ? "（正常）" : "");
    $("rate").appendChild(option);
  });
  on($("launcher"), "click", () => (w.active ? exit(w) : enter(w)));
  // The press has begun (or the button has focus): ask for the page now, play only on the click.
  ["pointerdown", "focus"].forEach((type) => on($("launcher"), type, () => { if (!w.active) prepare(w).catch(() => {}); }));
  on($("launcher"), "keydown", (e) => { if (!w.active && (e.key === "Enter" || e.key === " ")) prepare(w).catch(() => {}); });
  on($("exit"), "click", () => exit(w));
  on($("play"), "click", () => {
    if (w.waiting) w.announce("语音合成中，请稍候");
    else if (w.playing) pause(w);
    else resume(w);
  });
  on($("stop"), "click", () => stop(w));
  on($("prev"), "click", () => step(w, -1));
  on($("next"), "click", () => step(w, 1));
  on($("rate"), "change", (e) => setSetting(w, "rate", Number(e.target.value), "语速" + e.target.value + "倍"));
  on($("sound"), "click", () => toggleSetting(w, "sound", "声音"));
  on($("point"), "click", () => toggleSetting(w, "point", "指读"));
  on($("cont"), "click", () => toggleSetting(w, "cont", "连读"));
  on($("caption"), "click", () => toggleSetting(w, "caption", "大字幕"));
  on($("script"), "change", (e) => setSetting(w, "script", e.target.value, "字幕文字：" + e.target.selectedOptions[0].textContent));
  on($("reset"), "click", () => resetSettings(w));
}

// 报告读音错误, the visual pack's buttons, the panel's own controls and dialogs.
function wireTools(w) {
  const $ = w.$;
  const on = (target, type, fn, opts) => listen(w, target, type, fn, opts);
  wireReport(w);
  on($("zoomin"), "click", () => stepZoom(w, 1));
  on($("zoomout"), "click", () => stepZoom(w, -1));
  on($("cursor"), "click", () => toggleVisual(w, "cursor", "大鼠标"));
  on($("cross"), "click", () => toggleVisual(w, "cross", "十字辅助线"));
  on($("theme"), "click", () => cycleTheme(w));
  on($("mask"), "click", () => toggleVisual(w, "mask", "阅读遮罩"));
  on($("text"), "click", () => openTextView(w));
  on($("textview-close"), "click", () => $("textview").close());
  on($("textview"), "close", () => $("text").focus());
  on($("follow"), "click", () => { w.detached = false; toggleSetting(w, "follow", "跟随朗读"); });
  on($("collapse"), "click", () => setSetting(w, "collapsed", !w.settings.collapsed));
  on($("more"), "click", () => toggleMenu(w, !w.menuOpen));
  on(w.compactQuery, "change", () => applyCompact(w));
  on($("back"), "click", () => {
    w.detached = false;
    const entry = w.queue && w.queue.entries[w.index];
    if (entry && entry.range) follow(w, entry.range, true);
    applySettings(w);
  });
  on($("selection"), "click", () => {
    if (w.lastSelection) speakText(w, w.lastSelection, "朗读选中文字");
    else w.announce("请先在页面上选中要朗读的文字");
  });
  on($("unlock"), "click", () => { $("unlock").hidden = true; resume(w); });
  on($("retry"), "click", () => { hideAlert(w); w.reading = null; w.preparing = null; enter(w); });
  on($("help"), "click", () => {
    renderKeyRows($("keyrows"), w.settings.keys, (action, digit) => remap(w, action, digit));
    $("dialog").showModal();
  });
  on($("dialog-close"), "click", () => $("dialog").close());
  on($("dialog"), "close", () => $("help").focus());
}
// 报告读音错误 (web/reports.py): marks the sentence being read for the operator; only the
// document and sentence ids are sent, nothing about the listener.
function wireReport(w) {
  const report = document.createElement("button");
  report.type = "button"; report.id = "report"; report.textContent = "报告读音错误";
  w.$("extra").insertBefore(report, w.$("reset"));
  listen(w, report, "click", async () => {
    const entry = w.reading && w.queue === w.reading ? w.reading.entries[w.index] : null;
    if (!entry) { w.announce("请先播放要报告的句子。"); return; }
    w.announce(await Api.report(ORIGIN, w.reading.manifest.id, entry.data.id));
  });
}

// Listeners on the host page: pointer and focus (十字辅助线, 阅读遮罩, 指读), scrolling, selection, 连读.
function wirePage(w) {
  const on = (target, type, fn, opts) => listen(w, target, type, fn, opts);
  on(document, "keydown", shortcutHandler(w), true);
  // 十字辅助线 follows the pointer, and keyboard focus too (centre of the focused element).
  on(document, "pointermove", (e) => {
    if (w.active && w.settings.cross) placeCross(w, e.clientX, e.clientY);
    if (w.active && w.settings.mask) { w.maskTarget = null; placeMask(w, e.clientY); }
  }, { passive: true });
  on(window, "scroll", () => maskOnTarget(w), { passive: true });
  on(document, "focusin", (e) => {
    const el = e.composedPath()[0];
    if (!w.active || !w.settings.cross || !el || el.nodeType !== 1 || w.host.contains(el)) return;
    const r = el.getBoundingClientRect();
    placeCross(w, r.left + r.width / 2, r.top + r.height / 2);
  });
  // Any scrolling by the user pauses following (WCAG 2.2.2 / guide M2) until 回到朗读位置.
  const detach = () => { if (w.active && w.playing && !w.detached) { w.detached = true; applySettings(w); } };
  on(window, "wheel", detach, { passive: true });
  on(window, "resize", () => layout(w), { passive: true });
  on(window, "touchmove", detach, { passive: true });
  on(document, "selectionchange", () => {
    const text = String(document.getSelection() || "").trim();
    if (text) w.lastSelection = text.slice(0, 2000);
  });
  on(document, "click", (e) => readOnFrom(w, e));
  on(document, "mouseover", (e) => {
    if (!w.settings.point) return;
    clearTimeout(w.hoverTimer);
    const target = e.target;
    w.hoverTimer = setTimeout(() => pointAt(w, target), HOVER_DELAY_MS);
  });
  on(document, "focusin", (e) => { if (w.settings.point) pointAt(w, e.composedPath()[0]); });
  on(window, "scroll", () => {
    const entry = w.queue && w.queue.highlight && w.queue.entries[w.index];
    if (entry && entry.ranges && !(window.CSS && CSS.highlights)) drawOverlay(w, entry.ranges);
  }, { passive: true });
}
// 连读: a click on the article's text (not on a control) reads on from the sentence clicked.
function readOnFrom(w, e) {
  if (!w.settings.cont || e.defaultPrevented || e.button !== 0) return;
  const target = e.target;
  if (!target || target.nodeType !== 1 || w.host.contains(target)) return;
  if (target.closest("a[href],button,input,select,textarea,label,summary,[contenteditable]")) return;
  const rootEl = contentElement(w);
  if (!rootEl.contains(target)) return;
  const caret = document.caretPositionFromPoint ? document.caretPositionFromPoint(e.clientX, e.clientY) : null;
  const point = caret ? { node: caret.offsetNode, offset: caret.offset } : { node: target, offset: null };
  if (w.reading && w.active) {
    const i = sentenceAt(w.reading.entries, point);
    if (i >= 0) startQueue(w, w.reading, i, { highlight: true, startMessage: "连读" });
  } else {
    enter(w, point);
  }
}
