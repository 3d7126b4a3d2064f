/* Bobao widget: its keyboard shortcuts and event listeners, given the widget's state and actions
 * (createWidget in widget.js). Every listener goes through on(), so teardown removes it. */
function wireControls(widget) {
  wireToolbar(widget);
  wireTools(widget);
  wirePage(widget);
}

// Alt+digit actions (remappable), Alt+Shift+Y, Alt+↑/↓ and Esc, never inside an editable field.
function shortcutHandler(widget) {
  const { W, $, compactQuery, toggleSetting, toggleVisual, toggleMenu, stepZoom, cycleRate,
    cycleTheme, reset, openTextView, enter, stop } = widget;
  const runAction = {
    sound: () => toggleSetting("sound", "声音"), rate: cycleRate, point: () => toggleSetting("point", "指读"),
    cont: () => toggleSetting("cont", "连读"), caption: () => toggleSetting("caption", "大字幕"), reset: reset,
    zoomin: () => stepZoom(1), zoomout: () => stepZoom(-1),
    cursor: () => toggleVisual("cursor", "大鼠标"), cross: () => toggleVisual("cross", "十字辅助线"),
    theme: cycleTheme, mask: () => toggleVisual("mask", "阅读遮罩"), text: openTextView,
  };
  function onKeydown(e) {
    const origin = e.composedPath()[0];
    if (isEditable(origin)) return;
    if (e.key === "Escape") {
      if ($("dialog").open || $("textview").open) return;
      if (W.menuOpen && compactQuery.matches) { e.preventDefault(); toggleMenu(false); return; }
      if (W.playing || W.waiting) { e.preventDefault(); stop(); }
      return;
    }
    if (e.altKey && e.shiftKey && !e.ctrlKey && !e.metaKey && e.code === "KeyY") {
      e.preventDefault();
      $("launcher").focus();
      if (!W.active) enter();
      return;
    }
    if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    if (W.active && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
      e.preventDefault();
      stepZoom(e.key === "ArrowUp" ? 1 : -1);
      return;
    }
    const digit = /^(Digit|Numpad)(\d)$/.exec(e.code);
    if (!digit) return;
    const action = Object.keys(W.settings.keys).find((k) => W.settings.keys[k] === digit[2]);
    if (!action || !runAction[action]) return;
    e.preventDefault();
    runAction[action]();
  }
  return onKeydown;
}

// The first row: 语音播报, play, stop, steps, 语速, and the reading settings.
function wireToolbar(widget) {
  const { W, $, on, announce, setSetting, toggleSetting, reset, prepare, enter, exit, pause, resume,
    stop, step } = widget;
  RATES.forEach((rate) => {
    const option = document.createElement("option");
    option.value = String(rate);
    option.textContent = rate + "倍" + (rate === 1 ? "（正常）" : "");
    $("rate").appendChild(option);
  });
  on($("launcher"), "click", () => (W.active ? exit() : enter()));
  // The press has begun (or the button has focus): ask for the page now, play only on the click.
  ["pointerdown", "focus"].forEach((type) => on($("launcher"), type, () => { if (!W.active) prepare().catch(() => {}); }));
  on($("launcher"), "keydown", (e) => { if (!W.active && (e.key === "Enter" || e.key === " ")) prepare().catch(() => {}); });
  on($("exit"), "click", exit);
  on($("play"), "click", () => {
    if (W.waiting) announce("语音合成中，请稍候");
    else if (W.playing) pause();
    else resume();
  });
  on($("stop"), "click", () => stop());
  on($("prev"), "click", () => step(-1));
  on($("next"), "click", () => step(1));
  on($("rate"), "change", (e) => setSetting("rate", Number(e.target.value), "语速" + e.target.value + "倍"));
  on($("sound"), "click", () => toggleSetting("sound", "声音"));
  on($("point"), "click", () => toggleSetting("point", "指读"));
  on($("cont"), "click", () => toggleSetting("cont", "连读"));
  on($("caption"), "click", () => toggleSetting("caption", "大字幕"));
  on($("script"), "change", (e) => setSetting("script", e.target.value, "字幕文字：" + e.target.selectedOptions[0].textContent));
  on($("reset"), "click", reset);
}

// 报告读音错误, the visual pack's buttons, the panel's own controls and dialogs.
function wireTools(widget) {
  const { W, $, on, compactQuery, announce, hideAlert, applySettings, applyCompact, setSetting,
    toggleSetting, toggleVisual, toggleMenu, stepZoom, cycleTheme, remap, openTextView,
    follow, enter, resume, speakText } = widget;
  // 报告读音错误 (web/reports.py): marks the sentence being read for the operator; only the
  // document and sentence ids are sent, nothing about the listener.
  const report = document.createElement("button");
  report.type = "button"; report.id = "report"; report.textContent = "报告读音错误";
  $("extra").insertBefore(report, $("reset"));
  on(report, "click", async () => {
    const entry = W.reading && W.queue === W.reading ? W.reading.entries[W.index] : null;
    if (!entry) { announce("请先播放要报告的句子。"); return; }
    announce(await Api.report(ORIGIN, W.reading.manifest.id, entry.data.id));
  });
  on($("zoomin"), "click", () => stepZoom(1));
  on($("zoomout"), "click", () => stepZoom(-1));
  on($("cursor"), "click", () => toggleVisual("cursor", "大鼠标"));
  on($("cross"), "click", () => toggleVisual("cross", "十字辅助线"));
  on($("theme"), "click", cycleTheme);
  on($("mask"), "click", () => toggleVisual("mask", "阅读遮罩"));
  on($("text"), "click", openTextView);
  on($("textview-close"), "click", () => $("textview").close());
  on($("textview"), "close", () => $("text").focus());
  on($("follow"), "click", () => { W.detached = false; toggleSetting("follow", "跟随朗读"); });
  on($("collapse"), "click", () => setSetting("collapsed", !W.settings.collapsed));
  on($("more"), "click", () => toggleMenu(!W.menuOpen));
  on(compactQuery, "change", applyCompact);
  on($("back"), "click", () => {
    W.detached = false;
    const entry = W.queue && W.queue.entries[W.index];
    if (entry && entry.range) follow(entry.range, true);
    applySettings();
  });
  on($("selection"), "click", () => {
    if (W.lastSelection) speakText(W.lastSelection, "朗读选中文字");
    else announce("请先在页面上选中要朗读的文字");
  });
  on($("unlock"), "click", () => { $("unlock").hidden = true; resume(); });
  on($("retry"), "click", () => { hideAlert(); W.reading = null; W.preparing = null; enter(); });
  on($("help"), "click", () => { renderKeyRows($("keyrows"), W.settings.keys, remap); $("dialog").showModal(); });
  on($("dialog-close"), "click", () => $("dialog").close());
  on($("dialog"), "close", () => $("help").focus());
}

// Listeners on the host page: pointer and focus (十字辅助线, 阅读遮罩, 指读), scrolling, selection, 连读.
function wirePage(widget) {
  const { W, on, host, applySettings, layout, placeCross, placeMask, maskOnTarget, drawOverlay,
    contentElement, enter, startQueue, pointAt } = widget;
  on(document, "keydown", shortcutHandler(widget), true);
  // 十字辅助线 follows the pointer, and keyboard focus too (centre of the focused element).
  on(document, "pointermove", (e) => {
    if (W.active && W.settings.cross) placeCross(e.clientX, e.clientY);
    if (W.active && W.settings.mask) { W.maskTarget = null; placeMask(e.clientY); }
  }, { passive: true });
  on(window, "scroll", maskOnTarget, { passive: true });
  on(document, "focusin", (e) => {
    const el = e.composedPath()[0];
    if (!W.active || !W.settings.cross || !el || el.nodeType !== 1 || host.contains(el)) return;
    const r = el.getBoundingClientRect();
    placeCross(r.left + r.width / 2, r.top + r.height / 2);
  });
  // Any scrolling by the user pauses following (WCAG 2.2.2 / guide M2) until 回到朗读位置.
  const detach = () => { if (W.active && W.playing && !W.detached) { W.detached = true; applySettings(); } };
  on(window, "wheel", detach, { passive: true });
  on(window, "resize", layout, { passive: true });
  on(window, "touchmove", detach, { passive: true });
  on(document, "selectionchange", () => {
    const text = String(document.getSelection() || "").trim();
    if (text) W.lastSelection = text.slice(0, 2000);
  });
  on(document, "click", (e) => {
    if (!W.settings.cont || e.defaultPrevented || e.button !== 0) return;
    const target = e.target;
    if (!target || target.nodeType !== 1 || host.contains(target)) return;
    if (target.closest("a[href],button,input,select,textarea,label,summary,[contenteditable]")) return;
    const rootEl = contentElement();
    if (!rootEl.contains(target)) return;
    const caret = document.caretPositionFromPoint ? document.caretPositionFromPoint(e.clientX, e.clientY) : null;
    const point = caret ? { node: caret.offsetNode, offset: caret.offset } : { node: target, offset: null };
    if (W.reading && W.active) {
      const i = sentenceAt(W.reading.entries, point);
      if (i >= 0) startQueue(W.reading, i, { highlight: true, startMessage: "连读" });
    } else {
      enter(point);
    }
  });
  on(document, "mouseover", (e) => {
    if (!W.settings.point) return;
    clearTimeout(W.hoverTimer);
    const target = e.target;
    W.hoverTimer = setTimeout(() => pointAt(target), HOVER_DELAY_MS);
  });
  on(document, "focusin", (e) => { if (W.settings.point) pointAt(e.composedPath()[0]); });
  on(window, "scroll", () => {
    const entry = W.queue && W.queue.highlight && W.queue.entries[W.index];
    if (entry && entry.ranges && !(window.CSS && CSS.highlights)) drawOverlay(entry.ranges);
  }, { passive: true });
}
