/* Bobao player: the listener's settings (speed, volume, following, caption, contrast, large text,
 * voice), shown on the controls and the page, and kept in localStorage (core/settings.js). */
function applySettings(P) {
  const st = P.settings;
  $("rate").value = String(st.rate);
  $("volume").value = String(st.volume);
  $("volume").setAttribute("aria-valuetext", st.volume + "%");
  $("mute").setAttribute("aria-pressed", String(st.muted));
  $("follow").checked = st.follow;
  $("caption-toggle").setAttribute("aria-pressed", String(st.caption));
  $("caption").hidden = !st.caption;
  $("script").value = st.script;
  if ($("voice")) showVoice($("voice"), st.voice);
  if (st.caption) loadCaptionScripts(P);
  renderCaption(P);
  applyLook(st);
  applyAudioSettings(P);
  updateBackButton(P);
}
// 高对比 and 大字模式 on their buttons and the page; the page makes room for the caption.
function applyLook(st) {
  $("contrast-toggle").setAttribute("aria-pressed", String(st.contrast));
  $("large-toggle").setAttribute("aria-pressed", String(st.large));
  document.body.classList.toggle("hc", st.contrast);
  document.body.classList.toggle("large", st.large);
  document.body.classList.toggle("has-caption", st.caption);
}
function setSetting(P, key, value) {
  P.settings[key] = value;
  saveSettings(P);
  applySettings(P);
}
function toggleSetting(P, key, label) {
  setSetting(P, key, !P.settings[key]);
  P.announce(label + (P.settings[key] ? "已开启" : "已关闭"));
}
function resetSettings(P) {
  P.settings = Object.assign({}, DEFAULT_SETTINGS);
  Settings.clear(SETTINGS_KEY);
  applySettings(P);
  P.announce("设置已重置");
}
