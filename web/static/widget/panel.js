/* Bobao widget: the settings (kept in localStorage) shown on the toolbar, changing them, and the
 * toolbar's layout over the host page. w is the widget (createWidget in widget.js). */
function applySettings(w) {
  const st = w.settings;
  w.$("rate").value = String(st.rate);
  ["sound", "point", "cont", "caption", "follow", "cursor", "cross", "mask"].forEach((key) => {
    w.$(key).setAttribute("aria-pressed", String(st[key]));
  });
  w.$("theme").textContent = "配色：" + THEMES[st.theme][0];
  w.$("zoomlevel").textContent = "文字 " + Math.round(st.zoom * 100) + "%";
  w.$("collapse").setAttribute("aria-expanded", String(!st.collapsed));
  w.$("collapse").textContent = st.collapsed ? "展开工具" : "收起工具";
  applyCompact(w);
  w.$("back").hidden = !(w.active && (w.detached || !st.follow));
  w.$("captionbar").hidden = !(st.caption && w.active);
  w.$("script").value = st.script;
  if (st.caption && w.active) loadScripts(w, w.queue);
  if (w.captionEntry) renderCaption(w, w.captionEntry);
  layout(w);
  applyShortcuts(w);
  applyAudio(w);
  applyVisuals(w);
  renderKeyRows(w.$("keyrows"), w.settings.keys, (action, digit) => remap(w, action, digit));
}
// Each action's button says its keys (aria-keyshortcuts): its Alt+digit, and Alt+↑/↓ for the zoom.
function applyShortcuts(w) {
  const keys = w.settings.keys;
  const shortcut = (action) => (keys[action] ? "Alt+" + keys[action] : "");
  const arrows = { zoomin: "Alt+ArrowUp", zoomout: "Alt+ArrowDown" };
  ACTIONS.forEach(([action]) => {
    const value = [shortcut(action), arrows[action] || ""].filter(Boolean).join(" ");
    if (value) w.$(action).setAttribute("aria-keyshortcuts", value);
    else w.$(action).removeAttribute("aria-keyshortcuts");
  });
}
// On a phone the bar keeps play/pause, 上一句/下一句, 语速 and 更多; 更多 discloses the rest.
function applyCompact(w) {
  const compact = w.compactQuery.matches;
  const open = compact && !!w.menuOpen;
  w.root.classList.toggle("compact", compact);
  w.root.classList.toggle("menu-open", open);
  w.$("more").hidden = !compact;
  w.$("more").setAttribute("aria-expanded", String(open));
  w.$("extra").hidden = compact ? !open : w.settings.collapsed;
  layout(w);
}
function toggleMenu(w, open) {
  w.menuOpen = open;
  applyCompact(w);
  if (!open) w.$("more").focus();
}
// Room below the page's end for the toolbar, so its last lines can scroll above it (removed on exit).
function pagePadding(w) {
  const below = w.$("panel").offsetHeight + (w.$("captionbar").hidden ? 0 : w.$("captionbar").offsetHeight) + 8;
  w.sheets.page.replaceSync(PAGE_CSS + "html{scroll-padding-bottom:" + below + "px;padding-bottom:" + below + "px}");
}
function layout(w) {
  // The caption bar sits right above the panel, whatever height the panel wraps to.
  w.root.style.setProperty("--panel-height", w.$("panel").offsetHeight + "px");
  if (w.active) pagePadding(w);
}

function setSetting(w, key, value, message) {
  w.settings[key] = value;
  Settings.save(STORE, w.settings);
  applySettings(w);
  if (message) w.announce(message);
}
function toggleSetting(w, key, name) {
  const value = !w.settings[key];
  if (key === "sound" && !value) { stop(w, true); }
  setSetting(w, key, value, name + (value ? "已开启" : "已关闭"));
}
function cycleRate(w) {
  const next = RATES[(RATES.indexOf(w.settings.rate) + 1) % RATES.length];
  setSetting(w, "rate", next, "语速" + next + "倍");
}
function resetSettings(w) {
  w.settings = defaults(w.config);
  Settings.clear(STORE);
  applySettings(w);
  w.announce("设置已重置");
}
// A digit another action had moves to this action's old digit, so no two actions share one.
function remap(w, action, digit) {
  const keys = w.settings.keys;
  const other = Object.keys(keys).find((k) => k !== action && digit && keys[k] === digit);
  if (other) keys[other] = keys[action];
  keys[action] = digit;
  Settings.save(STORE, w.settings);
  const focusedId = w.shadow.activeElement && w.shadow.activeElement.id;
  applySettings(w);
  if (focusedId && w.$(focusedId)) w.$(focusedId).focus();
  w.announce("快捷键已修改");
}
