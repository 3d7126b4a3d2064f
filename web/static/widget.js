/* Bobao 语音播报 widget: one <script src=".../widget.js" data-selector="article"> on any page.
 *
 * Rules it keeps: UI lives in an open Shadow DOM; styles are constructable stylesheets (CSP-clean,
 * no inline <style> or script in the host page, no eval); every request goes to the origin the
 * script was loaded from; the host DOM is never modified (highlighting uses the CSS Custom
 * Highlight API, or an overlay box in the shadow root), so leaving broadcast mode restores the
 * page byte for byte; nothing plays until the user asks.
 *
 * Script attributes (all optional):
 *   data-selector  CSS selector of the main content (default: article, main, .TRS_Editor, #zoom)
 *   data-voice     voice name sent to the server;  data-tts-rate  server rate, e.g. "+10%"
 *   data-engine    speech engine on the server: "offline" (default), "edge" or "auto"
 *   data-rate      default 语速 (playback speed 0.5–2)
 *   data-keys      JSON remapping of the Alt+digit shortcuts, e.g. '{"point": "3"}'
 *   data-large     "true": 适老化 sizes (44 px targets);  data-mount  selector to place the button in
 *                  (default: where the script sits inside main/article, else right after the article's
 *                  title, else at the article's start; a skip link leads to it, Alt+Shift+Y opens it)
 *   data-auto      "false": do not start; call Bobao.init() yourself (single-page apps)
 * API: window.Bobao.init(options), .destroy(), .rescan() (after an SPA swaps the content).
 * The host site's CSP needs script-src, connect-src and media-src for the Bobao origin (and img-src
 * data: for the 大鼠标 cursor images), and the Bobao server needs the site's origin in API_ALLOWED_ORIGINS.
 * Broadcast mode sends the whole page (the widget's nodes left out) with each element numbered on a copy,
 * so the server finds the title and date and says where each sentence is (reader/locate.py); the widget
 * highlights those places, and matches text only for a sentence without one.
 * Visual pack (MIIT CN-S7/S8): 放大/缩小, 大鼠标, 十字辅助线, 配色 and 阅读遮罩 act on the host page only
 * in broadcast mode, through an adopted stylesheet (and lines and shades drawn in the shadow root) that
 * leaving removes; 纯文本 shows the article's text alone in a dialog.
 * Served assembled (web/jsbundle.py) after the shared core (web/static/core/: Settings, Api,
 * createPoller, Queue, Marks, Captions, Media) and the widget's parts (web/static/widget/*.js), which
 * are functions of the widget object w made here: its parts and its state, passed explicitly.
 */
// The widget w: its parts, made once here, then its state, which the functions in widget/*.js change.
function createWidget(config) {
  const host = document.createElement("div");
  host.className = "bobao-widget-host";
  place(host, config);
  const skipHost = skipLink(host);
  const { shadow, shadowVisual } = buildShadow(host);
  const $ = (id) => shadow.getElementById(id);
  const w = {
    config: config, host: host, skipHost: skipHost, shadow: shadow, $: $,
    root: shadow.querySelector(".bobao"), audio: $("audio"),
    compactQuery: window.matchMedia("(max-width: 480px)"),
    // The visual pack's rules inside the widget, then the host page's two sheets (adopted while in use).
    sheets: { shadowVisual: shadowVisual, page: new CSSStyleSheet(), visual: new CSSStyleSheet() },
    announce: createAnnouncer(() => $("status")),
    listeners: [],  // removers of every listener added through listen()
    settings: loadSettings(config),
    active: false, detached: false, menuOpen: false,  // broadcast mode; following paused; 更多 open
    // The page's reading and its pending request; snippets' readings by text.
    reading: null, preparing: null, snippets: new Map(),
    // The reading being played (polled by poller), its sentence and lead-in piece.
    poller: null, queue: null, index: 0, piece: null, waitPiece: null, playing: false, waiting: false,
    captionEntry: null, maskTarget: null, maskY: 0, crossPlaced: false,
    lastSelection: "", lastPointed: null, hoverTimer: 0,
  };
  if (config.large === "true" || config.large === true) w.root.classList.add("large");
  wireAudio(w);
  wireControls(w);
  applySettings(w);
  return {
    teardown: () => teardown(w),
    rescan: () => forgetPage(w),
    state: () => ({ active: w.active, playing: w.playing, index: w.index, waiting: w.waiting }),
  };
}
// The open shadow root with the template, its own stylesheet and the visual pack's (the 大鼠标
// cursor inside the toolbar): constructable sheets, so no inline <style> meets the host's CSP.
function buildShadow(host) {
  const shadow = host.attachShadow({ mode: "open" });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(typeof CSS_TEXT === "string" && CSS_TEXT.indexOf("__BOBAO") !== 0 ? CSS_TEXT : "");
  const shadowVisual = new CSSStyleSheet();
  shadow.adoptedStyleSheets = [sheet, shadowVisual];
  const wrapper = document.createElement("div");
  wrapper.innerHTML = TEMPLATE;
  shadow.appendChild(wrapper.firstElementChild);
  return { shadow: shadow, shadowVisual: shadowVisual };
}
function listen(w, target, type, fn, opts) {
  target.addEventListener(type, fn, opts);
  w.listeners.push(() => target.removeEventListener(type, fn, opts));
}
// Leaves the host page as it was: broadcast mode left, listeners and adopted sheets removed, nodes gone.
function teardown(w) {
  exit(w);
  stop(w, true);
  if (w.poller) w.poller.stop();
  clearTimeout(w.hoverTimer);
  w.listeners.forEach((off) => off());
  w.listeners = [];
  document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== w.sheets.page && s !== w.sheets.visual);
  w.host.remove();
  w.skipHost.remove();
}
// After a single-page app swaps the content: the next 语音播报 reads the page afresh.
function forgetPage(w) {
  if (w.active) exit(w);
  w.reading = null;
  w.preparing = null;
}

function init(options) {
  if (current) current.teardown();
  current = createWidget(Object.assign({}, scriptConfig, options || {}));
  return current;
}
function destroy() {
  if (current) { current.teardown(); current = null; }
}
function rescan() { if (current) current.rescan(); }

// A page that loads the script twice keeps the first copy's widget.
if (!(window.Bobao && window.Bobao.version)) {
  window.Bobao = { version: "1", init: init, destroy: destroy, rescan: rescan,
    state: () => (current ? current.state() : null) };
  if (scriptConfig.auto !== "false") {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => init(), { once: true });
    else init();
  }
}
