/* Bobao widget: its constants and settings defaults, where its button goes in the host page, the
 * skip link, and the Shadow DOM template. Assembled before widget.js by web/jsbundle.py. */
const script = document.currentScript;
const ORIGIN = script && script.src ? new URL(script.src, location.href).origin : location.origin;
const CSS_TEXT = "__BOBAO_WIDGET_CSS__";
// The one rule the host page gets (adopted, so not in its DOM): background AND underline, not colour alone.
const PAGE_CSS = "::highlight(bobao-current){background-color:#ffe27a;color:#111111;" +
  "text-decoration:underline 2px #7a4d00;}" +
  // The clause being heard, inside the sentence: stronger background, thicker underline.
  "::highlight(bobao-clause){background-color:#ffbf3f;color:#111111;text-decoration:underline 4px #7a4d00;}" +
  "@media (forced-colors: active){::highlight(bobao-current){background-color:Highlight;color:HighlightText;}}";
const STORE = "bobao-widget:settings";
const RATES = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];
const ACTIONS = [
  ["sound", "5", "声音开关"], ["rate", "6", "语速"], ["point", "7", "指读"],
  ["cont", "8", "连读"], ["caption", "9", "大字幕"], ["reset", "0", "重置"],
  ["zoomin", "1", "放大（大字）"], ["zoomout", "3", "缩小（小字）"], ["cursor", "4", "大鼠标"], ["cross", "2", "十字辅助线"],
  // No free Alt+digit is left for these; the 快捷键说明 dialog lets a user give them one.
  ["theme", "", "配色"], ["mask", "", "阅读遮罩"], ["text", "", "纯文本"],
];
const DEFAULT_KEYS = Object.fromEntries(ACTIONS.map(([name, key]) => [name, key]));
const CONTENT_FALLBACKS = ["article", "main", ".TRS_Editor", "#zoom", "[role=main]"];
const POLL_MS = 500;
const HOVER_DELAY_MS = 300;
const scriptConfig = script ? Object.assign({}, script.dataset) : {};
let current = null;

function parseKeys(value) {
  try { return value ? JSON.parse(value) : {}; } catch (e) { return {}; }
}
function defaults(config) {
  const rate = Number(config.rate);
  return {
    sound: true, rate: RATES.includes(rate) ? rate : 1, point: false, cont: false, caption: false,
    cursor: false, zoom: 1, cross: false, theme: 0, mask: false, script: "simplified",
    // On a small screen (or 400% zoom) the toolbar starts collapsed so it does not cover the text.
    follow: true, collapsed: window.matchMedia("(max-width: 480px)").matches,
    keys: Object.assign({}, DEFAULT_KEYS, parseKeys(config.keys)),
  };
}
// The saved settings over the defaults. A digit the user already gave to another action stays
// theirs; a newer default yields.
function loadSettings(config) {
  return Settings.load(STORE, defaults(config), (base, saved) => {
    const savedKeys = saved.keys || {};
    Object.keys(base.keys).forEach((action) => {
      if (!(action in savedKeys) && Object.values(savedKeys).includes(base.keys[action])) base.keys[action] = "";
    });
    const merged = Object.assign(base, saved, { keys: Object.assign(base.keys, savedKeys) });
    if (!ZOOMS.includes(merged.zoom)) merged.zoom = 1;
    return merged;
  });
}
function isEditable(node) {
  if (!node || node.nodeType !== 1) return false;
  return node.isContentEditable || /^(input|textarea|select)$/i.test(node.tagName);
}

function articleOf(config) {
  const chosen = config.selector && document.querySelector(config.selector);
  return chosen || CONTENT_FALLBACKS.map((sel) => document.querySelector(sel)).find(Boolean) || null;
}
// Where the button goes: data-mount; else where the operator put the script inside the content;
// else right after the article's title (or at the article's start), early in the tab order without
// moving any of the page's own controls; else first in the body.
function place(host, config) {
  const mount = config.mount && document.querySelector(config.mount);
  if (mount) { mount.appendChild(host); return; }
  const article = articleOf(config);
  const inContent = script && script.isConnected && script.parentNode &&
    (script.closest("main,article,[role=main]") || (article && article.contains(script)));
  if (inContent) { script.after(host); return; }
  const title = (article && article.querySelector("h1")) || document.querySelector("body h1") ||
    (article && article.querySelector("h2"));
  if (title && !title.closest("nav,header a,footer")) title.after(host);
  else if (article && article !== document.body) article.prepend(host);
  else document.body.prepend(host);
}
// A skip link, first in the tab order (shown when focused): to the button, with its shortcut.
function skipLink(host) {
  const holder = document.createElement("div");
  holder.className = "bobao-skip-host";
  const shadow = holder.attachShadow({ mode: "open" });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(":host{all:initial}a{position:absolute;left:8px;top:-200px;z-index:2147483001;padding:8px 14px;" +
    "background:#0b4f9c;color:#fff;font:16px/1.5 sans-serif;border-radius:4px;text-decoration:underline}" +
    "a:focus{top:8px;outline:3px solid #1a1a1a;outline-offset:2px}");
  shadow.adoptedStyleSheets = [sheet];
  const link = document.createElement("a");
  link.href = "#";
  link.lang = "zh-CN";
  link.textContent = "跳到语音播报（快捷键 Alt+Shift+Y）";
  shadow.appendChild(link);
  link.addEventListener("click", (e) => {
    e.preventDefault();
    const launcher = host.shadowRoot && host.shadowRoot.getElementById("launcher");
    if (launcher) { launcher.focus(); launcher.scrollIntoView({ block: "center" }); }
  });
  document.body.prepend(holder);
  return holder;
}

const TEMPLATE = `
<div class="bobao" lang="zh-CN">
<button type="button" class="launcher" id="launcher" aria-expanded="false" aria-controls="panel" aria-keyshortcuts="Alt+Shift+Y">
  <svg aria-hidden="true" focusable="false" viewBox="0 0 24 24"><path d="M3 9v6h4l5 5V4L7 9H3zm13.5 3a4.5 4.5 0 0 0-2.5-4v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z"/></svg>
  <span>语音播报</span>
</button>
<div class="status" id="status" role="status"></div>
<section class="panel" id="panel" aria-label="语音播报工具" hidden>
  <div class="alert" id="alertbox" hidden><p id="alert" role="alert"></p><button type="button" id="retry">重试</button></div>
  <button type="button" class="unlock" id="unlock" hidden>点击继续播放</button>
  <div class="row">
    <button type="button" id="play" class="primary"><span class="label">播放</span></button>
    <button type="button" id="stop" aria-keyshortcuts="Escape">停止</button>
    <button type="button" id="prev">上一句</button>
    <button type="button" id="next">下一句</button>
    <span class="field"><label for="rate">语速</label><select id="rate"></select></span>
    <button type="button" id="more" class="more" aria-expanded="false" aria-controls="extra" hidden>更多</button>
    <button type="button" id="back" hidden>回到朗读位置</button>
    <span class="extra" id="extra">
      <button type="button" id="sound" aria-pressed="true">声音开关</button>
      <button type="button" id="cont" aria-pressed="false">连读</button>
      <button type="button" id="point" aria-pressed="false">指读</button>
      <button type="button" id="selection">朗读选中文字</button>
      <button type="button" id="caption" aria-pressed="false">大字幕</button>
      <span class="field"><label for="script">字幕文字</label><select id="script">
        <option value="simplified">简体</option><option value="traditional">繁體</option><option value="pinyin">拼音</option>
      </select></span>
      <button type="button" id="follow" aria-pressed="true">跟随朗读</button>
      <span class="field" role="group" aria-labelledby="zoomlevel">
        <button type="button" id="zoomout">缩小</button><span id="zoomlevel">文字 100%</span><button type="button" id="zoomin">放大</button>
      </span>
      <button type="button" id="cursor" aria-pressed="false">大鼠标</button>
      <button type="button" id="cross" aria-pressed="false">十字辅助线</button>
      <button type="button" id="theme">配色：默认</button>
      <button type="button" id="mask" aria-pressed="false">阅读遮罩</button>
      <button type="button" id="text" aria-haspopup="dialog">纯文本</button>
      <button type="button" id="help" aria-haspopup="dialog">快捷键说明</button>
      <button type="button" id="reset">重置</button>
    </span>
    <button type="button" id="collapse" aria-expanded="true" aria-controls="extra">收起工具</button>
    <button type="button" id="exit" class="exit">退出播报模式</button>
  </div>
  <p class="progress"><span id="progress"></span> <a id="download" class="download" hidden></a></p>
</section>
<div class="caption" id="captionbar" hidden><p id="captiontext"></p></div>
<div class="overlay" id="overlay" aria-hidden="true"></div>
<div class="crosshair" id="crosshair" aria-hidden="true" hidden><div class="cross-h" id="cross-h"></div><div class="cross-v" id="cross-v"></div></div>
<div class="mask" id="masklayer" aria-hidden="true" hidden><div class="mask-top" id="mask-top"></div><div class="mask-bottom" id="mask-bottom"></div></div>
<dialog id="textview" class="textview" aria-labelledby="textview-title">
  <div class="textview-head"><h2 id="textview-title">纯文本阅读</h2><button type="button" id="textview-close">关闭</button></div>
  <div id="textbody" class="textbody"></div>
</dialog>
<dialog id="dialog" aria-labelledby="dialog-title">
  <h2 id="dialog-title">快捷键说明</h2>
  <p>快捷键为 Alt 加数字键，可在下方修改；在输入框中不会触发。Esc 停止朗读。</p>
  <table><thead><tr><th scope="col">功能</th><th scope="col">快捷键</th></tr></thead><tbody id="keyrows"></tbody></table>
  <button type="button" id="dialog-close">关闭</button>
</dialog>
<audio id="audio" preload="none"></audio>
</div>`;
