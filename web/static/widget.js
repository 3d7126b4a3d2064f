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
 */
(function () {
  "use strict";
  if (window.Bobao && window.Bobao.version) return;

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
  // 配色: [name, background, text, link]; each pair is above 7:1 contrast. Off under forced colours,
  // where the user's own system colours already apply.
  const THEMES = [["默认"], ["黑底黄字", "#000000", "#ffff00", "#00ffff"], ["白底黑字", "#ffffff", "#000000", "#0000cc"],
    ["蓝底白字", "#002b5c", "#ffffff", "#ffe27a"]];
  // 放大/缩小 steps (CSS zoom on the main content only, so the widget keeps its size); Alt+↑/↓ also work.
  const ZOOMS = [1, 1.25, 1.5, 1.75, 2];
  // 大鼠标: 64 px black cursors with a white outline, drawn once on a canvas as PNG data: URLs (no
  // file to fetch); the host CSP needs img-src data:, else the browser keeps its normal cursor.
  const ARROW_PATH = "M4 3v52l13-12 10 19 9-4-10-19h18z";
  const HAND_PARTS = [[20, 4, 11, 34, 5.5], [12, 26, 40, 32, 9], [4, 30, 14, 10, 5]];
  let bigCursors = null;
  function cursorImage(shape) {
    const canvas = document.createElement("canvas");
    canvas.width = 64;
    canvas.height = 64;
    const g = canvas.getContext("2d");
    if (!g) return null;
    g.lineJoin = "round";
    g.lineWidth = 6;
    g.strokeStyle = "#ffffff";
    g.fillStyle = "#000000";
    g.stroke(shape);
    g.fill(shape);
    return 'url("' + canvas.toDataURL("image/png") + '")';
  }
  function cursors() {
    if (bigCursors) return bigCursors;
    const hand = new Path2D();
    HAND_PARTS.forEach(([x, y, w, h, r]) => hand.roundRect(x, y, w, h, r));
    const arrowUrl = cursorImage(new Path2D(ARROW_PATH));
    const handUrl = cursorImage(hand);
    bigCursors = {
      arrow: arrowUrl ? arrowUrl + " 4 3, auto" : "auto",
      hand: handUrl ? handUrl + " 25 4, pointer" : "pointer",
    };
    return bigCursors;
  }
  const CLICKABLE = "a[href],a[href] *,button,button *,summary,label,select,[role=button],[role=link]," +
    "input[type=submit],input[type=button],input[type=reset],input[type=checkbox],input[type=radio]";
  const DEFAULT_KEYS = Object.fromEntries(ACTIONS.map(([name, key]) => [name, key]));
  const CONTENT_FALLBACKS = ["article", "main", ".TRS_Editor", "#zoom", "[role=main]"];
  const POLL_MS = 500;
  const INDEX_ATTR = "data-bobao-n";
  const MAX_SEND_CHARS = 190000;  // under the server's MAX_TEXT_CHARS (200,000)
  // What the server's reader never reads (reader/extract.py's skip list), so the fallback match skips it too.
  const SERVER_SKIPS = "script,style,noscript,template,nav,aside,footer,button,select,option,textarea,iframe," +
    "object,embed,svg,canvas,audio,video,map,dialog,menu,head,[hidden],[aria-hidden=true]," +
    "[data-tts-skip]:not([data-tts-skip=false]),.rs_skip,.rs_preserve_skip,.no-read-aloud,.trinity-skip-it,.sr-only";
  const INVISIBLE = /display\s*:\s*none|visibility\s*:\s*hidden/i;
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
  function isEditable(node) {
    if (!node || node.nodeType !== 1) return false;
    return node.isContentEditable || /^(input|textarea|select)$/i.test(node.tagName);
  }
  function norm(ch) {
    if (/\s/.test(ch)) return "";
    const folded = ch.normalize("NFKC");
    return (folded.length === 1 ? folded : ch).toLowerCase();
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

  function createWidget(config) {
    const host = document.createElement("div");
    host.className = "bobao-widget-host";
    place(host, config);
    const skipHost = skipLink(host);

    const shadow = host.attachShadow({ mode: "open" });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(typeof CSS_TEXT === "string" && CSS_TEXT.indexOf("__BOBAO") !== 0 ? CSS_TEXT : "");
    // The visual pack's rules: one sheet for the host page, one for the widget (cursor inside the toolbar).
    const shadowVisual = new CSSStyleSheet();
    shadow.adoptedStyleSheets = [sheet, shadowVisual];
    const pageSheet = new CSSStyleSheet();
    const visualSheet = new CSSStyleSheet();
    const wrapper = document.createElement("div");
    wrapper.innerHTML = TEMPLATE;
    shadow.appendChild(wrapper.firstElementChild);
    const $ = (id) => shadow.getElementById(id);
    const compactQuery = window.matchMedia("(max-width: 480px)");
    const audio = $("audio");
    const root = shadow.querySelector(".bobao");
    if (config.large === "true" || config.large === true) root.classList.add("large");

    const W = {
      settings: loadSettings(), active: false, reading: null, queue: null, index: 0, playing: false,
      waiting: false, lastSelection: "", snippets: new Map(), hoverTimer: 0, listeners: [], pollTimer: 0,
      pendingClick: null, lastMessage: "", piece: null, waitPiece: null,
    };

    function loadSettings() {
      const base = defaults(config);
      try {
        const saved = JSON.parse(localStorage.getItem(STORE) || "{}");
        const savedKeys = saved.keys || {};
        // A digit the user already gave to another action stays theirs; a newer default yields.
        Object.keys(base.keys).forEach((action) => {
          if (!(action in savedKeys) && Object.values(savedKeys).includes(base.keys[action])) base.keys[action] = "";
        });
        const merged = Object.assign(base, saved, { keys: Object.assign(base.keys, savedKeys) });
        if (!ZOOMS.includes(merged.zoom)) merged.zoom = 1;
        return merged;
      } catch (e) { return base; }
    }
    function saveSettings() {
      try { localStorage.setItem(STORE, JSON.stringify(W.settings)); } catch (e) { /* storage off */ }
    }
    function on(target, type, fn, opts) {
      target.addEventListener(type, fn, opts);
      W.listeners.push(() => target.removeEventListener(type, fn, opts));
    }
    function announce(message) {
      const status = $("status");
      status.textContent = "";
      W.lastMessage = message;
      setTimeout(() => { if (W.lastMessage === message) status.textContent = message; }, 30);
    }
    function showAlert(message) { $("alert").textContent = message; $("alertbox").hidden = false; }
    function hideAlert() { $("alertbox").hidden = true; $("alert").textContent = ""; }

    // ---------- server ----------
    async function api(path, body) {
      const response = await fetch(ORIGIN + path, body ? {
        method: "POST", mode: "cors", credentials: "omit",
        headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(body),
      } : { mode: "cors", credentials: "omit", headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }
    // A site missing from the server's allow-list fails like a network error (its preflight is
    // refused, which a page cannot read): ask the server which it was, and tell the operator the fix.
    async function unreachableMessage() {
      try {
        const response = await fetch(ORIGIN + "/api/origin", { mode: "cors", credentials: "omit" });
        const info = response.ok ? await response.json() : {};
        if (info.allowed === false) {
          console.error("Bobao: the service at " + ORIGIN + " does not yet allow this site (" + location.origin +
            "). Add it to " + info.setting + " on the Bobao server, e.g. " + info.environment + "='[\"" +
            location.origin + "\"]', and restart the server.");
          return "本网站尚未开通语音播报服务，请联系网站管理员。";
        }
      } catch (e) { /* the service itself is unreachable */ }
      return "无法连接语音服务，请稍后重试。";
    }
    function flatten(manifest, previous) {
      const entries = [];
      manifest.sections.forEach((section) => (section.sentences || []).forEach((s) => {
        const old = previous && previous[entries.length];
        entries.push(old ? { data: s, range: old.range, ranges: old.ranges, points: old.points } : { data: s, range: null });
      }));
      return entries;
    }
    function contentElement() {
      return articleOf(config) || document.body;
    }
    async function createReading(body, mapRoot) {
      if (config.voice) body.voice = config.voice;
      if (config.ttsRate) body.rate = config.ttsRate;
      if (config.engine) body.engine = config.engine;
      const live = body.live || null;
      delete body.live;
      const manifest = await api("/api/documents", body);
      const reading = { manifest: manifest, entries: flatten(manifest), root: mapRoot, live: live };
      if (mapRoot) mapRanges(reading);
      return reading;
    }
    // What broadcast mode sends: the whole page, so the server finds the title and date as it does for
    // a URL, with every element numbered (on a copy; the live page is never touched) so the server can
    // say where each sentence is. The widget's own nodes are left out; script, style and svg bodies are
    // sent empty (their elements stay, so text runs around them are not merged).
    function pageSnapshot() {
      const live = [];
      const copy = document.documentElement.cloneNode(true);
      const doomed = [];
      (function number(el, twin) {
        if (el === host || el === skipHost) { doomed.push(twin); return; }
        twin.setAttribute(INDEX_ATTR, String(live.length));
        live.push(el);
        // Never read, so never sent: code, and whatever a visitor or the site put in a form field.
        if (/^(script|style|svg|noscript|template|iframe|object|textarea)$/.test(el.localName)) { twin.textContent = ""; return; }
        if (el.localName === "input") twin.removeAttribute("value");
        if (el.localName === "meta" && /csrf|token/i.test(el.getAttribute("name") || "")) twin.removeAttribute("content");
        for (let i = 0; i < el.children.length; i += 1) number(el.children[i], twin.children[i]);
      })(document.documentElement, copy);
      doomed.forEach((el) => el.remove());
      const chosen = config.selector && document.querySelector(config.selector);
      // An operator who named the article container is followed; otherwise the server picks it.
      if (chosen) copy.querySelector("[" + INDEX_ATTR + '="' + live.indexOf(chosen) + '"]').setAttribute("data-tts-only", "");
      let html = "<!DOCTYPE html>" + copy.outerHTML;
      if (html.length > MAX_SEND_CHARS) {  // a huge portal page: its <title>, <h1> and article, still numbered
        const twin = (el) => copy.querySelector("[" + INDEX_ATTR + '="' + live.indexOf(el) + '"]');
        const rootEl = contentElement();
        const heading = document.querySelector("body h1");
        const title = document.createElement("title");
        title.textContent = document.title;
        html = "<!DOCTYPE html><html><head>" + title.outerHTML + "</head><body>" +
          (heading && !rootEl.contains(heading) && twin(heading) ? twin(heading).outerHTML : "") +
          twin(rootEl).outerHTML + "</body></html>";
      }
      return { html: html, live: live };
    }
    function prepare() {
      // Started on press or focus of 语音播报 (so the title is ready when the press lands); plays nothing.
      if (!W.preparing) {
        W.preparing = createReading(pageSnapshot(), contentElement());
        W.preparing.catch(() => { W.preparing = null; });
      }
      return W.preparing;
    }
    function pollReading(reading) {
      clearTimeout(W.pollTimer);
      if (!reading || ["ready", "failed"].includes(reading.manifest.status)) return;
      W.pollTimer = setTimeout(async () => {
        try {
          const here = W.queue === reading && reading.entries[W.index];  // where this listener is
          const at = here ? "?at=" + here.data.id : "";
          const manifest = await api("/api/documents/" + encodeURIComponent(reading.manifest.id) + at);
          reading.manifest = manifest;
          reading.entries = flatten(manifest, reading.entries);
        } catch (e) { /* transient: keep polling */ }
        if (reading.manifest.status === "failed") { fail("语音合成失败，请稍后重试。"); return; }
        if (reading === W.reading) showDownload(reading.manifest);
        const entry = W.waiting && W.queue === reading ? reading.entries[W.index] : null;
        if (entry && W.waitPiece != null) {
          if (entry.data.clip) playIndex(W.index, piecesMs(entry, W.waitPiece));
          else if (entry.data.pieces && entry.data.pieces.ready.length > W.waitPiece) playPiece(W.waitPiece);
        } else if (entry && (entry.data.clip || (entry.data.pieces && entry.data.pieces.ready.length))) {
          playIndex(W.index);
        }
        pollReading(reading);
      }, W.waiting ? POLL_MS / 2 : POLL_MS);  // a listener waiting for sound: look again sooner
    }

    function showDownload(manifest) {
      const link = $("download");
      const audioInfo = manifest.audio || {};
      if (manifest.status !== "ready" || !audioInfo.mp3 || !audioInfo.size_bytes) { link.hidden = true; return; }
      const mb = audioInfo.size_bytes / 1024 / 1024;
      link.href = ORIGIN + audioInfo.mp3 + "?download=1";
      link.textContent = "下载本页音频（MP3，" + (mb >= 1 ? mb.toFixed(1) + " MB" : Math.max(1, Math.round(mb * 1024)) + " KB") + "）";
      link.hidden = false;
      layout();
    }

    // ---------- mapping sentences to host text ----------
    // First the places the server found (elements by number, text runs, table cells); for a sentence
    // without one, the sentence's characters in the page's text, skipping exactly what the server
    // skips, preferring the article and not depending on reading order.
    function runsOf(el) {
      const runs = [];
      let run = null;
      el.childNodes.forEach((n) => {
        if (n.nodeType === 3 || n.nodeType === 8 || n.nodeType === 7 || n === host || n === skipHost) {
          run = run || [];
          if (n.nodeType === 3) run.push(n);
        } else if (run) { runs.push(run); run = null; }
      });
      if (run) runs.push(run);
      return runs.filter((r) => /[^ \t\n\r\f]/.test(r.map((t) => t.data).join("")));
    }
    function placeRange(place, live) {
      const el = live[place.node];
      if (!el || !el.isConnected || host.contains(el)) return null;
      const range = document.createRange();
      if (place.run == null) { range.selectNodeContents(el); return range; }
      const run = runsOf(el)[place.run];
      if (!run) return null;
      let seen = 0;
      let started = false;
      for (const t of run) {
        const len = t.data.length;
        if (!started && place.start < seen + len) { range.setStart(t, place.start - seen); started = true; }
        if (started && place.end <= seen + len) { range.setEnd(t, place.end - seen); return range; }
        seen += len;
      }
      return null;
    }
    function pointsOf(ranges) {
      const points = [];
      ranges.forEach((range) => {
        const node = range.startContainer;
        if (node.nodeType !== 3 || node !== range.endContainer) return;
        for (let i = range.startOffset; i < range.endOffset; i += 1) if (norm(node.data[i])) points.push([node, i]);
      });
      return points;
    }
    function squashed(text) { return Array.from(text).map(norm).join(""); }
    function located(entry, live) {
      const places = entry.data.where;
      if (!live || !places || !places.length) return false;
      const ranges = places.map((p) => placeRange(p, live));
      if (ranges.some((r) => !r)) return false;
      // The page may have changed since it was sent (a script, an SPA): text places must still say
      // the sentence (less a list number or 附件： the reader added), else the text is matched instead.
      const said = squashed(ranges.map((r) => r.toString()).join(""));
      const text = entry.data.text;
      if (places.every((p) => p.run != null) && said !== squashed(text) &&
          said !== squashed(text.replace(/^(\d+\.\s*|附件[：:])/, ""))) return false;
      setRanges(entry, ranges, places.every((p) => p.run != null) ? pointsOf(ranges) : null);
      return true;
    }
    function setRanges(entry, ranges, points) {
      entry.ranges = ranges;
      const span = document.createRange();
      span.setStart(ranges[0].startContainer, ranges[0].startOffset);
      const last = ranges[ranges.length - 1];
      span.setEnd(last.endContainer, last.endOffset);
      entry.range = span;
      entry.points = points;
    }
    function skippedByServer(el) {
      if (el.closest(SERVER_SKIPS)) return true;
      for (let a = el; a; a = a.parentElement) if (INVISIBLE.test(a.getAttribute("style") || "")) return true;
      return false;
    }
    function pageText(rootEl) {
      const walker = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT, {
        acceptNode(node) {
          const parent = node.parentElement;
          if (!parent || host.contains(parent) || skipHost.contains(parent) || skippedByServer(parent)) return NodeFilter.FILTER_REJECT;
          return NodeFilter.FILTER_ACCEPT;
        },
      });
      const chars = [];
      const where = [];
      let from = -1;
      let to = -1;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const inside = rootEl && rootEl.contains(node);
        if (inside && from < 0) from = chars.length;
        for (let i = 0; i < node.data.length; i += 1) {
          const c = norm(node.data[i]);
          if (c) { chars.push(c); where.push([node, i]); }
        }
        if (inside) to = chars.length;
      }
      return { text: chars.join(""), where: where, from: Math.max(0, from), to: to < 0 ? chars.length : to };
    }
    // The title as a whole heading (or title-classed element), never a 标题 cell that repeats it.
    function titleRange(entry, key, manifest) {
      if (entry.data.id !== 0 || entry.data.text !== manifest.title) return false;
      const heading = Array.from(document.querySelectorAll("h1,h2,h3,h4,h5,h6,[class*=title],[id*=title]"))
        .find((el) => !host.contains(el) && !skippedByServer(el) && Array.from(el.textContent).map(norm).join("") === key);
      if (!heading) return false;
      const range = document.createRange();
      range.selectNodeContents(heading);
      setRanges(entry, [range], null);
      return true;
    }
    // One range per text node the match runs through, so skipped markup between them is never lit.
    function rangesOf(points) {
      const out = [];
      let first = points[0];
      let last = points[0];
      const close = () => {
        const range = document.createRange();
        range.setStart(first[0], first[1]);
        range.setEnd(last[0], last[1] + 1);
        out.push(range);
      };
      points.slice(1).forEach((p) => {
        if (p[0] === last[0]) { last = p; return; }
        close();
        first = last = p;
      });
      close();
      return out;
    }
    function mapRanges(reading) {
      let page = null;
      let cursor = 0;
      reading.entries.forEach((entry) => {
        entry.range = null;
        entry.ranges = null;
        entry.points = null;
        if (located(entry, reading.live)) return;
        const key = Array.from(entry.data.text).map(norm).join("");
        if (!key) return;
        if (titleRange(entry, key, reading.manifest)) return;
        page = page || pageText(reading.root);
        const t = page.text;
        // The article first (after the last match, then from its top), then the rest of the page.
        const tries = [[Math.max(cursor, page.from), page.to], [page.from, page.to], [cursor, t.length], [0, t.length]];
        let at = -1;
        for (const [from, to] of tries) {
          at = t.indexOf(key, from);
          if (at >= 0 && at + key.length <= to) break;
          at = -1;
        }
        if (at < 0) return;  // no highlight rather than a wrong one
        const points = page.where.slice(at, at + key.length);
        setRanges(entry, rangesOf(points), points);
        cursor = at + key.length;
      });
    }

    // ---------- the clause being heard (from the engine's marks), inside the sentence ----------
    function clauseRange(reading, entry, mark) {
      // Offsets count the sentence's characters; the page's text was matched without whitespace.
      const kept = (upTo) => Array.from(entry.data.text.slice(0, upTo)).filter((ch) => norm(ch)).length;
      const points = entry.points;
      const first = kept(mark.start);
      const last = kept(mark.end) - 1;
      if (!points || points.length !== kept(entry.data.text.length) || last < first || last >= points.length) return null;
      const range = document.createRange();
      range.setStart(points[first][0], points[first][1]);
      range.setEnd(points[last][0], points[last][1] + 1);
      return range;
    }
    function markClause() {
      const queue = W.queue;
      const entry = queue && queue.highlight && queue.entries[W.index];
      if (!window.CSS || !CSS.highlights || !window.Highlight) return;
      if (!entry || !entry.data.marks || !entry.range || W.waiting) { CSS.highlights.delete("bobao-clause"); return; }
      const offsetMs = audio.currentTime * 1000 + (W.piece != null ? piecesMs(entry, W.piece) : 0);
      const mark = entry.data.marks.filter((m) => m.start_ms <= offsetMs).pop() || entry.data.marks[0];
      const range = clauseRange(queue, entry, mark);
      if (range) CSS.highlights.set("bobao-clause", new Highlight(range));
      else CSS.highlights.delete("bobao-clause");
    }

    // ---------- highlight ----------
    function showHighlight(entry) {
      clearHighlight();
      renderCaption(entry);
      if (!entry || !entry.range) return;
      if (window.CSS && CSS.highlights && window.Highlight) {
        CSS.highlights.set("bobao-current", new Highlight(...entry.ranges));
      } else {
        drawOverlay(entry.ranges);
      }
      follow(entry.range);
      W.maskTarget = entry.range;  // the reading mask follows the sentence until the pointer moves
      maskOnTarget();
    }
    function maskOnTarget() {
      if (!W.active || !W.settings.mask || !W.maskTarget) return;
      const rect = W.maskTarget.getBoundingClientRect();
      placeMask(rect.top + rect.height / 2);
    }
    // 大字幕 in 简体, 繁體 or 拼音 (ruby over each character, read as the voice reads it).
    function renderCaption(entry) {
      const box = $("captiontext");
      box.textContent = "";
      W.captionEntry = entry || null;
      if (!entry) return;
      const scripts = W.queue && W.queue.scripts;
      const extra = scripts && scripts[entry.data.id];
      const script = extra ? W.settings.script : "simplified";
      box.classList.toggle("pinyin", script === "pinyin");
      box.lang = script === "traditional" ? "zh-Hant" : "zh-CN";
      if (script === "traditional") { box.textContent = extra.traditional; return; }
      if (script !== "pinyin") { box.textContent = entry.data.text; return; }
      Array.from(entry.data.text).forEach((ch, k) => {
        if (!extra.pinyin[k]) { box.append(ch); return; }
        const ruby = document.createElement("ruby");
        const rt = document.createElement("rt");
        rt.textContent = extra.pinyin[k];
        ruby.append(ch, rt);
        box.appendChild(ruby);
      });
    }
    async function loadScripts(reading) {
      if (!reading || reading.scripts || reading.scriptsLoading || W.settings.script === "simplified") return;
      reading.scriptsLoading = true;
      try {
        const body = await api("/api/documents/" + encodeURIComponent(reading.manifest.id) + "/caption");
        reading.scripts = Object.fromEntries(body.sentences.map((s) => [s.id, s]));
      } catch (e) {
        announce("字幕暂时只能显示简体");
      }
      reading.scriptsLoading = false;
      if (W.captionEntry && W.queue === reading) renderCaption(W.captionEntry);
    }
    function drawOverlay(ranges) {
      const overlay = $("overlay");
      overlay.textContent = "";
      ranges.flatMap((range) => Array.from(range.getClientRects())).forEach((rect) => {
        const box = document.createElement("div");
        box.className = "hl-box";
        box.style.left = rect.left + "px";
        box.style.top = rect.top + "px";
        box.style.width = rect.width + "px";
        box.style.height = rect.height + "px";
        overlay.appendChild(box);
      });
    }
    function clearHighlight() {
      if (window.CSS && CSS.highlights) { CSS.highlights.delete("bobao-current"); CSS.highlights.delete("bobao-clause"); }
      $("overlay").textContent = "";
    }
    function follow(range, force) {
      if (!force && (!W.settings.follow || W.detached)) return;
      const rect = range.getBoundingClientRect();
      const bottomLimit = window.innerHeight - $("panel").offsetHeight - ($("captionbar").hidden ? 0 : $("captionbar").offsetHeight) - 16;
      if (rect.top >= 16 && rect.bottom <= bottomLimit) return;
      const smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      window.scrollBy({ top: rect.top - window.innerHeight / 3, behavior: smooth ? "smooth" : "auto" });
    }

    // ---------- playback ----------
    function setPlaying(playing) {
      W.playing = playing;
      $("play").querySelector(".label").textContent = playing ? "暂停" : "播放";
    }
    function applyAudio() {
      audio.playbackRate = W.settings.rate;
      audio.preservesPitch = true;
      audio.muted = !W.settings.sound;
    }
    function playIndex(i, offsetMs) {
      const queue = W.queue;
      if (!queue || i < 0 || i >= queue.entries.length) return;
      W.index = i;
      W.piece = null;
      W.waitPiece = null;
      const entry = queue.entries[i];
      showProgress();
      if (queue.highlight) showHighlight(entry);
      else renderCaption(entry);
      if (!entry.data.clip) {
        if (!offsetMs && entry.data.pieces && entry.data.pieces.ready.length) { playPiece(0); return; }
        audio.pause();
        setWaiting(true);
        return;
      }
      playUrl(entry.data.clip, offsetMs);
    }
    function showProgress() {
      $("progress").textContent = "第 " + (W.index + 1) + " 句，共 " + W.queue.entries.length + " 句";
    }
    // Waiting for synthesis is said in the status line; the button never offers 暂停 over silence.
    function setWaiting(waiting) {
      W.waiting = waiting;
      const label = waiting ? "播放" : W.playing ? "暂停" : "播放";
      $("play").querySelector(".label").textContent = label;
      $("play").setAttribute("aria-disabled", String(waiting));
      if (waiting) announce("语音合成中");
    }
    // The first sentence of an uncached page arrives in pieces, each playable before the whole.
    function piecesMs(entry, k) {
      const ready = (entry.data.pieces && entry.data.pieces.ready) || [];
      return ready.slice(0, k).reduce((sum, piece) => sum + piece.duration_ms, 0);
    }
    function playPiece(k) {
      W.piece = k;
      W.waitPiece = null;
      playUrl(W.queue.entries[W.index].data.pieces.ready[k].clip, 0);
    }
    function afterPiece() {
      const entry = W.queue.entries[W.index];
      const next = W.piece + 1;
      if (next >= entry.data.pieces.count) { afterSentence(); return; }
      if (next < entry.data.pieces.ready.length) { playPiece(next); return; }
      if (entry.data.clip) { playIndex(W.index, piecesMs(entry, next)); return; }
      W.waitPiece = next;
      audio.pause();
      setWaiting(true);
    }
    function afterSentence() {
      if (W.index + 1 < W.queue.entries.length) playIndex(W.index + 1);
      else { setPlaying(false); announce(W.queue === W.reading ? "朗读完毕" : "朗读结束"); }
    }
    function playUrl(url, offsetMs) {
      const queue = W.queue;
      const entry = queue.entries[W.index];
      const waited = W.waiting;
      audio.src = ORIGIN + url;
      if (offsetMs) audio.currentTime = offsetMs / 1000;
      applyAudio();
      const attempt = audio.play();
      if (attempt && attempt.catch) {
        attempt.then(() => {
          $("unlock").hidden = true;
          if (queue.announceStart) { queue.announceStart = false; announce(queue.startMessage); }
        }).catch((err) => {
          if (err && err.name === "NotAllowedError") {
            setPlaying(false);
            $("unlock").hidden = false;
            announce("浏览器阻止了播放，请点击继续播放");
          }
        });
      }
      setPlaying(true);
      setWaiting(false);
      if (waited) announce("继续朗读");
      updateMediaSession(entry);
    }
    function startQueue(reading, index, options) {
      if (!W.settings.sound) { announce("声音已关闭，请先打开声音开关"); return; }
      W.queue = reading;
      reading.highlight = options.highlight;
      reading.announceStart = true;
      reading.startMessage = options.startMessage || "开始朗读";
      hideAlert();
      setPlaying(true);
      pollReading(reading);
      if (W.settings.caption) loadScripts(reading);
      playIndex(index);
    }
    function pause() { setPlaying(false); setWaiting(false); audio.pause(); announce("已暂停"); }
    function resume() {
      if (!W.queue) { enter(); return; }
      if (!W.settings.sound) { announce("声音已关闭，请先打开声音开关"); return; }
      setPlaying(true);
      if (audio.getAttribute("src") && !audio.ended && audio.currentTime > 0) { applyAudio(); audio.play().catch(() => {}); }
      else playIndex(W.index);
      announce("继续播放");
    }
    function stop(quiet) {
      setPlaying(false);
      setWaiting(false);
      audio.pause();
      audio.removeAttribute("src");
      audio.load();
      if (!quiet) announce("已停止");
    }
    function step(delta) {
      if (!W.queue) return;
      const target = W.index + delta;
      if (target < 0 || target >= W.queue.entries.length) return;
      if (W.playing) playIndex(target);
      else {
        W.index = target;
        showProgress();
        if (W.queue.highlight) showHighlight(W.queue.entries[target]);
        else renderCaption(W.queue.entries[target]);
      }
    }
    function fail(message) {
      setPlaying(false);
      setWaiting(false);
      showAlert(message);
      if (!W.active) announce(message);  // the panel (and its alert) is closed: say it in the status line
    }
    on(audio, "ended", () => {
      if (!W.playing || !W.queue) return;
      if (W.piece != null) afterPiece();
      else afterSentence();
    });
    on(audio, "timeupdate", markClause);
    on(audio, "error", () => { if (audio.getAttribute("src")) fail("音频加载失败，请检查网络后重试。"); });

    // ---------- broadcast mode ----------
    async function enter(startNode) {
      if (!W.active) {
        W.active = true;
        $("launcher").setAttribute("aria-expanded", "true");
        $("panel").hidden = false;
        root.classList.add("active");
        pagePadding();
        document.adoptedStyleSheets = document.adoptedStyleSheets.concat([pageSheet]);
        applySettings();
        $("play").focus();
      }
      announce("语音合成中,请耐心等待...");
      try {
        if (!W.reading) W.reading = await prepare();
      } catch (e) {
        fail(await unreachableMessage());
        return;
      }
      if (!W.active) return;
      showDownload(W.reading.manifest);
      let index = 0;
      if (startNode) index = Math.max(0, sentenceAt(startNode));
      startQueue(W.reading, index, { highlight: true, startMessage: "已进入播报模式" });
    }
    function exit() {
      if (!W.active) return;
      stop(true);
      clearTimeout(W.pollTimer);
      clearHighlight();
      W.active = false;
      W.detached = false;
      W.queue = null;
      applyVisuals();
      $("panel").hidden = true;
      $("captionbar").hidden = true;
      root.classList.remove("active");
      $("launcher").setAttribute("aria-expanded", "false");
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== pageSheet);
      $("launcher").focus();
      announce("已退出播报模式");
    }
    function sentenceAt(point) {
      const entries = W.reading ? W.reading.entries : [];
      for (let i = 0; i < entries.length; i += 1) {
        const range = entries[i].range;
        if (!range) continue;
        try {
          if (point.offset != null ? range.comparePoint(point.node, point.offset) === 0 : range.intersectsNode(point.node)) return i;
        } catch (e) { /* node in another tree */ }
      }
      return -1;
    }

    // ---------- snippets: 指读 and selection ----------
    async function speakText(text, label) {
      if (!W.settings.sound || !text) return;
      let reading = W.snippets.get(text);
      try {
        if (!reading) {
          reading = await createReading({ text: text }, null);
          W.snippets.set(text, reading);
        }
      } catch (e) {
        fail(await unreachableMessage());
        return;
      }
      startQueue(reading, 0, { highlight: false, startMessage: label });
    }
    function labelFor(el) {
      const id = el.id;
      const label = (id && document.querySelector('label[for="' + CSS.escape(id) + '"]')) || el.closest("label");
      return (el.getAttribute("aria-label") || (label && label.textContent) || el.placeholder || el.name || "").trim();
    }
    function describe(target) {
      // Never the widget's own controls (focus inside the shadow root is not in the host document).
      if (!target || target.nodeType !== 1 || host.contains(target) || target.getRootNode() !== document) return null;
      const el = target.closest("a[href],button,img,input,select,textarea,h1,h2,h3,h4,h5,h6,[role=button],[role=link]") || target;
      const tag = el.tagName.toLowerCase();
      const name = (el.getAttribute("aria-label") || el.innerText || el.textContent || "").replace(/\s+/g, " ").trim().slice(0, 200);
      if (tag === "a" || el.getAttribute("role") === "link") return name ? "链接：" + name : null;
      if (tag === "button" || el.getAttribute("role") === "button") return "按钮：" + name;
      if (tag === "img") return "图片：" + (el.alt || "无文字说明");
      if (tag === "input") {
        const type = (el.type || "text").toLowerCase();
        if (["button", "submit", "reset"].includes(type)) return "按钮：" + (el.value || labelFor(el));
        if (type === "checkbox") return "复选框：" + labelFor(el);
        if (type === "radio") return "单选按钮：" + labelFor(el);
        return "文本输入框：" + labelFor(el);
      }
      if (tag === "textarea") return "文本输入框：" + labelFor(el);
      if (tag === "select") return "下拉列表：" + labelFor(el);
      if (/^h[1-6]$/.test(tag)) return "标题：" + name;
      const own = Array.from(el.childNodes).filter((n) => n.nodeType === 3).map((n) => n.data).join("").trim();
      return own ? name : null;
    }
    function pointAt(target) {
      if (!W.settings.point || !W.settings.sound) return;
      const text = describe(target);
      if (text && text !== W.lastPointed) {
        W.lastPointed = text;
        speakText(text, "指读");
      }
    }

    // ---------- settings ----------
    function applySettings() {
      const st = W.settings;
      $("rate").value = String(st.rate);
      $("sound").setAttribute("aria-pressed", String(st.sound));
      $("point").setAttribute("aria-pressed", String(st.point));
      $("cont").setAttribute("aria-pressed", String(st.cont));
      $("caption").setAttribute("aria-pressed", String(st.caption));
      $("follow").setAttribute("aria-pressed", String(st.follow));
      $("cursor").setAttribute("aria-pressed", String(st.cursor));
      $("cross").setAttribute("aria-pressed", String(st.cross));
      $("mask").setAttribute("aria-pressed", String(st.mask));
      $("theme").textContent = "配色：" + THEMES[st.theme][0];
      $("zoomlevel").textContent = "文字 " + Math.round(st.zoom * 100) + "%";
      $("collapse").setAttribute("aria-expanded", String(!st.collapsed));
      $("collapse").textContent = st.collapsed ? "展开工具" : "收起工具";
      applyCompact();
      $("back").hidden = !(W.active && (W.detached || !st.follow));
      $("captionbar").hidden = !(st.caption && W.active);
      $("script").value = st.script;
      if (st.caption && W.active) loadScripts(W.queue);
      if (W.captionEntry) renderCaption(W.captionEntry);
      layout();
      const shortcut = (action) => (st.keys[action] ? "Alt+" + st.keys[action] : "");
      const arrows = { zoomin: "Alt+ArrowUp", zoomout: "Alt+ArrowDown" };
      ACTIONS.forEach(([action]) => {
        const value = [shortcut(action), arrows[action] || ""].filter(Boolean).join(" ");
        if (value) $(action).setAttribute("aria-keyshortcuts", value);
        else $(action).removeAttribute("aria-keyshortcuts");
      });
      applyAudio();
      applyVisuals();
      renderKeyRows();
    }
    // On a phone the bar keeps play/pause, 上一句/下一句, 语速 and 更多; 更多 discloses the rest.
    function applyCompact() {
      const compact = compactQuery.matches;
      const open = compact && !!W.menuOpen;
      root.classList.toggle("compact", compact);
      root.classList.toggle("menu-open", open);
      $("more").hidden = !compact;
      $("more").setAttribute("aria-expanded", String(open));
      $("extra").hidden = compact ? !open : W.settings.collapsed;
      layout();
    }
    function toggleMenu(open) {
      W.menuOpen = open;
      applyCompact();
      if (!open) $("more").focus();
    }
    // Room below the page's end for the toolbar, so its last lines can scroll above it (removed on exit).
    function pagePadding() {
      const below = $("panel").offsetHeight + ($("captionbar").hidden ? 0 : $("captionbar").offsetHeight) + 8;
      pageSheet.replaceSync(PAGE_CSS + "html{scroll-padding-bottom:" + below + "px;padding-bottom:" + below + "px}");
    }
    function layout() {
      // The caption bar sits right above the panel, whatever height the panel wraps to.
      root.style.setProperty("--panel-height", $("panel").offsetHeight + "px");
      if (W.active) pagePadding();
    }
    function setSetting(key, value, message) {
      W.settings[key] = value;
      saveSettings();
      applySettings();
      if (message) announce(message);
    }
    function toggleSetting(key, name) {
      const value = !W.settings[key];
      if (key === "sound" && !value) { stop(true); }
      setSetting(key, value, name + (value ? "已开启" : "已关闭"));
    }
    // ---------- visual pack: 大鼠标, 放大/缩小, 十字辅助线 (in effect only in broadcast mode) ----------
    function contentSelector() {
      if (config.selector && document.querySelector(config.selector)) return config.selector;
      return CONTENT_FALLBACKS.find((sel) => document.querySelector(sel)) || "body > :not(.bobao-widget-host)";
    }
    function visualCss(st) {
      let css = "";
      if (st.zoom !== 1) {
        const sel = contentSelector();
        // zoom (not transform: scale) keeps layout and hit-testing right; a widget inside the content
        // is zoomed back to its own size.
        css += sel + "{zoom:" + st.zoom + " !important}:is(" + sel + ") .bobao-widget-host{zoom:" + (1 / st.zoom) + " !important}";
      }
      if (st.cursor) css += "html,html *{cursor:" + cursors().arrow + " !important}" + CLICKABLE + "{cursor:" + cursors().hand + " !important}";
      if (st.theme) css += themeCss(THEMES[st.theme]);
      return css;
    }
    function themeCss([, bg, fg, link]) {
      // Colours only: layout, images and the widget itself are left alone.
      // :where() keeps this rule's specificity at zero, so the link colour below wins over it.
      const all = ":where(html,body,body :not(.bobao-widget-host):not(img):not(video):not(canvas):not(svg *))";
      return "@media not (forced-colors: active){" + all + "{background-color:" + bg + " !important;color:" + fg +
        " !important;border-color:" + fg + " !important;text-shadow:none !important}" +
        "body a:link,body a:visited,body a *{color:" + link + " !important}}";
    }
    function applyVisuals() {
      const st = W.settings;
      const css = W.active ? visualCss(st) : "";
      const adopted = document.adoptedStyleSheets.includes(visualSheet);
      if (css) {
        visualSheet.replaceSync(css);
        if (!adopted) document.adoptedStyleSheets = document.adoptedStyleSheets.concat([visualSheet]);
      } else if (adopted) {
        document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== visualSheet);
      }
      shadowVisual.replaceSync(W.active && st.cursor ? ".bobao,.bobao *{cursor:" + cursors().arrow + " !important}" +
        ".bobao :is(button,select,a[href],label){cursor:" + cursors().hand + " !important}" : "");
      const cross = $("crosshair");
      const show = W.active && st.cross;
      if (show && cross.hidden && !W.crossPlaced) placeCross(window.innerWidth / 2, window.innerHeight / 2);
      cross.hidden = !show;
      const masked = W.active && st.mask;
      if (masked && $("masklayer").hidden) placeMask(W.maskY || window.innerHeight / 3);
      $("masklayer").hidden = !masked;
    }
    // 阅读遮罩: shade the page above and below a band of a few lines around the pointer, or around the
    // sentence being read when reading follows it.
    function placeMask(y) {
      W.maskY = y;
      const band = Math.max(96, Math.round(parseFloat(getComputedStyle(document.body).fontSize || "16") * 4.5));
      const top = Math.max(0, Math.round(y - band / 2));
      $("mask-top").style.height = top + "px";
      $("mask-bottom").style.top = (top + band) + "px";
    }
    function cycleTheme() {
      const next = (W.settings.theme + 1) % THEMES.length;
      setSetting("theme", next, "配色：" + THEMES[next][0] + later());
    }
    function openTextView() {
      renderTextView();
      $("textview").showModal();
    }
    function renderTextView() {
      const body = $("textbody");
      body.textContent = "";
      const manifest = W.reading && W.reading.manifest;
      if (!manifest) {
        body.appendChild(Object.assign(document.createElement("p"), { textContent: "正在读取本页文字，请稍候…" }));
        return;
      }
      const title = document.createElement("h3");
      title.textContent = manifest.title || "";
      body.appendChild(title);
      manifest.sections.forEach((section) => {
        const sentences = section.sentences || [];
        // A run-in heading ("4. 强化法治保障。建成……") is already the start of its paragraph.
        const runIn = sentences.some((x) => x.text !== section.heading && x.text.startsWith(section.heading || "\u0000"));
        if (section.heading && section.heading !== manifest.title && !runIn) {
          body.appendChild(Object.assign(document.createElement("h3"), { textContent: section.heading }));
        }
        let paragraph = null;
        let current = -1;
        sentences.forEach((sentence) => {
          if (sentence.text === section.heading || sentence.text === manifest.title) return;
          if (!paragraph || sentence.paragraph !== current) {
            paragraph = body.appendChild(document.createElement("p"));
            current = sentence.paragraph;
          }
          paragraph.append(sentence.text);
        });
      });
    }
    function placeCross(x, y) {
      W.crossPlaced = true;
      $("cross-h").style.top = Math.round(y) + "px";
      $("cross-v").style.left = Math.round(x) + "px";
    }
    function later() { return W.active ? "" : "（进入播报模式后生效）"; }
    function toggleVisual(key, name) {
      const value = !W.settings[key];
      setSetting(key, value, name + (value ? "已开启" : "已关闭") + later());
    }
    function stepZoom(delta) {
      const at = Math.max(0, ZOOMS.indexOf(W.settings.zoom));
      const next = ZOOMS[Math.min(ZOOMS.length - 1, Math.max(0, at + delta))];
      if (next === W.settings.zoom) { announce(delta > 0 ? "文字已是最大" : "文字已是最小"); return; }
      setSetting("zoom", next, "文字" + (delta > 0 ? "放大" : "缩小") + "到" + Math.round(next * 100) + "%" + later());
    }
    function cycleRate() {
      const next = RATES[(RATES.indexOf(W.settings.rate) + 1) % RATES.length];
      setSetting("rate", next, "语速" + next + "倍");
    }
    function reset() {
      W.settings = defaults(config);
      try { localStorage.removeItem(STORE); } catch (e) { /* storage off */ }
      applySettings();
      announce("设置已重置");
    }
    function renderKeyRows() {
      const rows = $("keyrows");
      rows.textContent = "";
      ACTIONS.forEach(([action, , name]) => {
        const tr = document.createElement("tr");
        const th = document.createElement("th");
        th.scope = "row";
        th.textContent = name;
        const td = document.createElement("td");
        const label = document.createElement("label");
        label.className = "visually-hidden";
        label.htmlFor = "key-" + action;
        label.textContent = name + "的快捷键";
        const select = document.createElement("select");
        select.id = "key-" + action;
        ["", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"].forEach((digit) => {
          const option = document.createElement("option");
          option.value = digit;
          option.textContent = digit ? "Alt+" + digit : "不使用";
          option.selected = (W.settings.keys[action] || "") === digit;
          select.appendChild(option);
        });
        select.addEventListener("change", () => remap(action, select.value));
        td.append(label, select);
        tr.append(th, td);
        rows.appendChild(tr);
      });
      const esc = document.createElement("tr");
      esc.innerHTML = '<th scope="row">停止朗读</th><td>Esc</td>';
      const arrows = document.createElement("tr");
      arrows.innerHTML = '<th scope="row">放大 / 缩小（播报模式中）</th><td>Alt+↑ / Alt+↓</td>';
      const open = document.createElement("tr");
      open.innerHTML = '<th scope="row">语音播报（进入播报模式）</th><td>Alt+Shift+Y</td>';
      rows.append(esc, arrows, open);
    }
    function remap(action, digit) {
      const keys = W.settings.keys;
      const other = Object.keys(keys).find((k) => k !== action && digit && keys[k] === digit);
      if (other) keys[other] = keys[action];
      keys[action] = digit;
      saveSettings();
      const focusedId = shadow.activeElement && shadow.activeElement.id;
      applySettings();
      if (focusedId && $(focusedId)) $(focusedId).focus();
      announce("快捷键已修改");
    }

    // ---------- shortcuts ----------
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

    // ---------- wiring ----------
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
    // 报告读音错误 (web/reports.py): marks the sentence being read for the operator; only the
    // document and sentence ids are sent, nothing about the listener.
    const report = document.createElement("button");
    report.type = "button"; report.id = "report"; report.textContent = "报告读音错误";
    $("extra").insertBefore(report, $("reset"));
    on(report, "click", async () => {
      const entry = W.reading && W.queue === W.reading ? W.reading.entries[W.index] : null;
      if (!entry) { announce("请先播放要报告的句子。"); return; }
      try {
        const response = await fetch(ORIGIN + "/api/reports", { method: "POST", mode: "cors", credentials: "omit",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({ document: W.reading.manifest.id, sentence: entry.data.id }) });
        announce(response.ok ? "已报告这句的读音错误，谢谢。" : response.status === 429
          ? "报告过于频繁，请稍后再试。" : "报告未能发送，请稍后再试。");
      } catch (e) { announce("报告未能发送，请稍后再试。"); }
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
    // Any scrolling by the user pauses following (WCAG 2.2.2 / guide M2) until 回到朗读位置.
    const detach = () => { if (W.active && W.playing && !W.detached) { W.detached = true; applySettings(); } };
    on(window, "wheel", detach, { passive: true });
    on(window, "resize", layout, { passive: true });
    on(window, "touchmove", detach, { passive: true });
    on($("selection"), "click", () => {
      if (W.lastSelection) speakText(W.lastSelection, "朗读选中文字");
      else announce("请先在页面上选中要朗读的文字");
    });
    on($("unlock"), "click", () => { $("unlock").hidden = true; resume(); });
    on($("retry"), "click", () => { hideAlert(); W.reading = null; W.preparing = null; enter(); });
    on($("help"), "click", () => { renderKeyRows(); $("dialog").showModal(); });
    on($("dialog-close"), "click", () => $("dialog").close());
    on($("dialog"), "close", () => $("help").focus());
    on(document, "keydown", onKeydown, true);
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
        const i = sentenceAt(point);
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

    function updateMediaSession(entry) {
      if (!("mediaSession" in navigator) || !window.MediaMetadata) return;
      navigator.mediaSession.metadata = new MediaMetadata({ title: document.title, artist: entry.data.text.slice(0, 60), album: "语音播报" });
      const handlers = {
        play: resume, pause: pause, stop: () => stop(), previoustrack: () => step(-1), nexttrack: () => step(1),
        seekto: (d) => { audio.currentTime = d.seekTime || 0; },
      };
      Object.entries(handlers).forEach(([name, fn]) => {
        try { navigator.mediaSession.setActionHandler(name, fn); } catch (e) { /* unsupported */ }
      });
    }

    applySettings();

    return {
      teardown() {
        exit();
        stop(true);
        clearTimeout(W.pollTimer);
        clearTimeout(W.hoverTimer);
        W.listeners.forEach((off) => off());
        W.listeners = [];
        document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== pageSheet && s !== visualSheet);
        host.remove();
        skipHost.remove();
      },
      rescan() {
        const wasActive = W.active;
        if (wasActive) exit();
        W.reading = null;
        W.preparing = null;
      },
      state() { return { active: W.active, playing: W.playing, index: W.index, waiting: W.waiting }; },
    };
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

  window.Bobao = { version: "1", init: init, destroy: destroy, rescan: rescan,
    state: () => (current ? current.state() : null) };
  if (scriptConfig.auto !== "false") {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => init(), { once: true });
    else init();
  }
})();
