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
 * createPoller, Queue, Marks, Captions, Media) and the widget's parts (web/static/widget/*.js).
 */
(function () {
  "use strict";
  if (window.Bobao && window.Bobao.version) return;

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
      settings: loadSettings(config), active: false, reading: null, queue: null, index: 0, playing: false,
      waiting: false, lastSelection: "", snippets: new Map(), hoverTimer: 0, listeners: [], poller: null,
      pendingClick: null, piece: null, waitPiece: null,
    };

    function saveSettings() { Settings.save(STORE, W.settings); }
    function on(target, type, fn, opts) {
      target.addEventListener(type, fn, opts);
      W.listeners.push(() => target.removeEventListener(type, fn, opts));
    }
    const announce = createAnnouncer(() => $("status"));
    function showAlert(message) { $("alert").textContent = message; $("alertbox").hidden = false; }
    function hideAlert() { $("alertbox").hidden = true; $("alert").textContent = ""; }

    // ---------- server ----------
    const api = (path, body) => Api.json(ORIGIN, path, body);
    const locator = createLocator(host, skipHost);
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
      if (mapRoot) locator.mapRanges(reading);
      return reading;
    }
    function prepare() {
      // Started on press or focus of 语音播报 (so the title is ready when the press lands); plays nothing.
      if (!W.preparing) {
        W.preparing = createReading(pageSnapshot(host, skipHost, config, contentElement()), contentElement());
        W.preparing.catch(() => { W.preparing = null; });
      }
      return W.preparing;
    }
    // One reading is polled at a time: the one being played (the page, or a 指读/selection snippet).
    function pollReading(reading) {
      if (W.poller) W.poller.stop();
      if (!reading) return;
      W.poller = createPoller({
        fetch: (at) => api(Api.manifestPath(reading.manifest.id, at)),
        at: () => {
          const here = W.queue === reading && reading.entries[W.index];  // where this listener is
          return here ? here.data.id : null;
        },
        onManifest: (manifest) => {
          reading.manifest = manifest;
          reading.entries = flatten(manifest, reading.entries);
          return afterPoll(reading);
        },
        onError: () => afterPoll(reading),  // transient: keep polling
        done: () => ["ready", "failed"].includes(reading.manifest.status),
        delayMs: () => (W.waiting ? POLL_MS / 2 : POLL_MS),  // a listener waiting for sound: look again sooner
      });
      W.poller.schedule();
    }
    function afterPoll(reading) {
      if (reading.manifest.status === "failed") { fail("语音合成失败，请稍后重试。"); return false; }
      if (reading === W.reading) showDownload(reading.manifest);
      const entry = W.waiting && W.queue === reading ? reading.entries[W.index] : null;
      const step = entry ? Queue.resume(entry.data, W.waitPiece, false) : null;
      if (step && step.kind === "whole") playIndex(W.index, step.offsetMs);
      else if (step && step.kind === "piece") playPiece(step.piece);
      else if (step) playIndex(W.index);
      return true;
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

    function markClause() {
      const queue = W.queue;
      const entry = queue && queue.highlight && queue.entries[W.index];
      if (!Marks.supported()) return;
      if (!entry || !entry.data.marks || !entry.range || W.waiting) { Marks.clear(); return; }
      const offsetMs = audio.currentTime * 1000 + (W.piece != null ? piecesMs(entry, W.piece) : 0);
      Marks.show(locator.clauseRange(queue, entry, Marks.at(entry.data.marks, offsetMs)));
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
      Captions.render(box, entry.data.text, scripts && scripts[entry.data.id], W.settings.script);
    }
    async function loadScripts(reading) {
      if (!reading || reading.scripts || reading.scriptsLoading || W.settings.script === "simplified") return;
      reading.scriptsLoading = true;
      try {
        reading.scripts = await Captions.load(ORIGIN, reading.manifest.id);
      } catch (e) {
        announce("字幕暂时只能显示简体");
      }
      reading.scriptsLoading = false;
      if (W.captionEntry && W.queue === reading) renderCaption(W.captionEntry);
    }
    const drawOverlay = (ranges) => drawBoxes($("overlay"), ranges);
    function clearHighlight() {
      if (window.CSS && CSS.highlights) CSS.highlights.delete("bobao-current");
      Marks.clear();
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
      Queue.tune(audio, W.settings.rate, null, !W.settings.sound);
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
      const next = Queue.start(entry.data, offsetMs, false);
      if (next.kind === "whole") playUrl(entry.data.clip, offsetMs);
      else if (next.kind === "piece") playPiece(0);
      else { audio.pause(); setWaiting(true); }
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
    function piecesMs(entry, k) { return Queue.piecesMs(entry.data, k); }
    function playPiece(k) {
      W.piece = k;
      W.waitPiece = null;
      playUrl(W.queue.entries[W.index].data.pieces.ready[k].clip, 0);
    }
    function afterPiece() {
      const next = Queue.afterPiece(W.queue.entries[W.index].data, W.piece, false);
      if (next.kind === "end") { afterSentence(); return; }
      if (next.kind === "piece") { playPiece(next.piece); return; }
      if (next.kind === "whole") { playIndex(W.index, next.offsetMs); return; }
      W.waitPiece = next.piece;
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
      Queue.play(audio, () => {
        $("unlock").hidden = true;
        if (queue.announceStart) { queue.announceStart = false; announce(queue.startMessage); }
      }, () => {
        setPlaying(false);
        $("unlock").hidden = false;
        announce("浏览器阻止了播放，请点击继续播放");
      });
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
      if (startNode) index = Math.max(0, sentenceAt(W.reading.entries, startNode));
      startQueue(W.reading, index, { highlight: true, startMessage: "已进入播报模式" });
    }
    function exit() {
      if (!W.active) return;
      stop(true);
      if (W.poller) W.poller.stop();
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
    function pointAt(target) {
      if (!W.settings.point || !W.settings.sound) return;
      const text = describe(host, target);
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
      renderKeyRows($("keyrows"), W.settings.keys, remap);
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
    function applyVisuals() {
      const st = W.settings;
      const css = W.active ? visualCss(config, st) : "";
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
      renderTextView($("textbody"), W.reading && W.reading.manifest);
      $("textview").showModal();
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
      Settings.clear(STORE);
      applySettings();
      announce("设置已重置");
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

    wireControls({ W, $, on, host, compactQuery, announce, hideAlert, applySettings, applyCompact,
      layout, setSetting, toggleSetting, toggleVisual, toggleMenu, stepZoom, cycleRate, cycleTheme,
      reset, remap, openTextView, placeCross, placeMask, maskOnTarget, drawOverlay, follow,
      contentElement, prepare, enter, exit, pause, resume, stop, step, startQueue, speakText,
      pointAt });

    function updateMediaSession(entry) {
      Media.set({ title: document.title, artist: entry.data.text.slice(0, 60), album: "语音播报" }, {
        play: resume, pause: pause, stop: () => stop(), previoustrack: () => step(-1), nexttrack: () => step(1),
        seekto: (d) => { audio.currentTime = d.seekTime || 0; },
      });
    }

    applySettings();

    return {
      teardown() {
        exit();
        stop(true);
        if (W.poller) W.poller.stop();
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
