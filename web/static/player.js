/* Bobao player page: renders a document manifest and plays it with one persistent <audio>.
 *
 * While the document is still being synthesized the player walks the sentence clips in order
 * (streaming: the first sentence plays as soon as it exists); once the manifest is "ready" it plays
 * the page MP3 and uses the sentence start_ms/end_ms for highlighting and seeking.
 * Keyboard model for the text: the whole text is ONE tab stop (roving tabindex over sentences);
 * arrow keys move between sentences, Enter or Space plays from the focused one.
 * Served assembled with the shared core (web/jsbundle.py): Settings, Api, createPoller, Queue, Marks,
 * Captions, Media and createAnnouncer come from web/static/core/; the document's DOM and the read form from player-page.js.
 */
(function () {
  "use strict";

  const app = document.getElementById("player-app");
  if (!app) return;
  const docId = app.dataset.docId;
  const $ = (id) => document.getElementById(id);
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  const POLL_MS = 600;
  const WAITING_POLL_MS = 250;  // a listener is waiting for sound: look again sooner
  const DEFAULTS = { rate: 1, volume: 100, muted: false, follow: true, caption: false, contrast: false, large: false,
    script: "simplified", voice: "" };
  const SETTINGS_KEY = "bobao:settings";
  const posKey = () => "bobao:pos:" + docId;

  const S = {
    manifest: null, sentences: [], sections: [], index: 0, playing: false, mode: null,
    waiting: false, waitSince: 0, piece: null, waitPiece: null, stillAnnounced: false, detached: false, stopAfter: null,
    settings: Settings.load(SETTINGS_KEY, Object.assign({}, DEFAULTS)),
  };

  // ---------- small helpers ----------
  function saveSettings() { Settings.save(SETTINGS_KEY, S.settings); }
  function savePosition() { Settings.save(posKey(), S.index); }
  const announce = createAnnouncer(() => $("status"));
  function showAlert(message) {
    $("alert").textContent = message;
    $("alert-box").hidden = false;
  }
  function hideAlert() {
    $("alert-box").hidden = true;
    $("alert").textContent = "";
  }

  const voice = { get: () => S.settings.voice, set: (name) => { S.settings.voice = name; saveSettings(); } };
  if (!docId) {
    setupReadForm(app, voice);
    return;
  }

  const audio = $("audio");
  const ready = () => S.manifest && S.manifest.status === "ready" && S.manifest.audio && S.manifest.audio.mp3;

  // ---------- rendering ----------
  function render(manifest) {
    S.manifest = manifest;
    $("doc-title").textContent = manifest.title || "未命名文档";
    document.title = (manifest.title || "文档") + " · 语音播报";
    $("doc-meta").textContent = manifest.date ? "日期：" + manifest.date : "";
    const built = buildDocument(manifest, $("doc-body"), $("toc"));
    S.sentences = built.sentences;
    S.sections = built.sections;
    updateFromManifest(manifest);
    setupMediaSession();
  }

  function updateFromManifest(manifest) {
    S.manifest = manifest;
    manifest.sections.forEach((section, si) => {
      (section.sentences || []).forEach((sentence, k) => {
        const entry = S.sentences[S.sections[si].first + k];
        if (entry) entry.data = sentence;
      });
      const dl = S.sections[si] && S.sections[si].download;
      if (dl && section.mp3 && section.size_bytes && manifest.status === "ready") {
        dl.href = section.mp3 + "?download=1";
        dl.setAttribute("download", (manifest.title || "audio") + "-" + (si + 1) + ".mp3");
        dl.textContent = "下载本节音频（MP3，" + fileSize(section.size_bytes) + "）";
        if (section.heading) dl.appendChild(el("span", { class: "visually-hidden" }, "：" + section.heading));
        dl.hidden = false;
      }
    });
    const page = $("download-page");
    if (ready() && manifest.audio.size_bytes) {
      page.href = manifest.audio.mp3 + "?download=1";
      page.setAttribute("download", (manifest.title || "audio") + ".mp3");
      page.textContent = "下载全文音频（MP3，" + fileSize(manifest.audio.size_bytes) + "）";
      page.hidden = false;
      $("download-pending").hidden = true;
    } else if (manifest.progress && manifest.progress.total) {
      $("download-pending").textContent =
        "音频生成中（" + manifest.progress.done + "/" + manifest.progress.total + " 句），完成后可下载 MP3。";
    }
    updateTime();
  }

  // ---------- timeline ----------
  function totalMs() {
    if (ready() && S.manifest.audio.duration_ms) return S.manifest.audio.duration_ms;
    return S.sentences.reduce((sum, s) => sum + (s.data.duration_ms || 0), 0);
  }
  function startMsOf(i) {
    if (ready() && S.sentences[i].data.start_ms != null) return S.sentences[i].data.start_ms;
    let sum = 0;
    for (let k = 0; k < i; k += 1) sum += S.sentences[k].data.duration_ms || 0;
    return sum;
  }
  function positionMs() {
    if (S.mode === "page") return audio.currentTime * 1000;
    if (!S.sentences.length) return 0;
    if (S.mode === "piece") return startMsOf(S.index) + piecesMs(S.index, S.piece) + audio.currentTime * 1000;
    return startMsOf(S.index) + (S.mode === "clip" ? audio.currentTime * 1000 : 0);
  }
  function piecesMs(i, k) { return Queue.piecesMs(S.sentences[i].data, k); }
  function updateTime() {
    const seek = $("seek");
    const total = totalMs();
    const pos = Math.min(positionMs(), total);
    seek.max = String(Math.max(0, Math.round(total / 1000)));
    if (document.activeElement !== seek || !S.seeking) seek.value = String(Math.round(pos / 1000));
    seek.setAttribute("aria-valuetext", spokenTime(pos) + "，共" + spokenTime(total));
    $("time").textContent = clock(pos) + " / " + clock(total);
  }

  // ---------- playback ----------
  function setPlaying(on) {
    S.playing = on;
    const btn = $("play");
    btn.querySelector(".label").textContent = on && !S.waiting ? "暂停" : "播放";
    btn.classList.toggle("is-playing", on);
    updateBackButton();
  }
  // Waiting for synthesis is said in the status line; the button never shows 暂停 over silence.
  function setWaiting(on) {
    S.waiting = on;
    const btn = $("play");
    btn.querySelector(".label").textContent = S.playing && !on ? "暂停" : "播放";
    btn.setAttribute("aria-disabled", String(on));
    if (on) { S.waitSince = Date.now(); announce("语音合成中"); }
  }
  function applyAudioSettings() {
    Queue.tune(audio, S.settings.rate, S.settings.volume / 100, S.settings.muted);
  }
  function audioPlay() {
    applyAudioSettings();
    Queue.play(audio, () => { $("unlock").hidden = true; }, () => {
      setPlaying(false);
      $("unlock").hidden = false;
      announce("浏览器阻止了自动播放，请点击继续播放");
    });
  }
  function startAt(i, offsetMs) {
    if (!S.sentences.length) return;
    S.index = Math.max(0, Math.min(i, S.sentences.length - 1));
    highlight(S.index);
    const sentence = S.sentences[S.index].data;
    S.waitPiece = null;
    const step = Queue.start(sentence, offsetMs, ready());
    if (step.kind === "whole" && ready()) {
      if (S.mode !== "page") {
        S.mode = "page";
        audio.src = S.manifest.audio.mp3;
      }
      audio.currentTime = (startMsOf(S.index) + (offsetMs || 0)) / 1000;
      setWaiting(false);
      audioPlay();
    } else if (step.kind === "whole") {
      S.mode = "clip";
      setWaiting(false);
      audio.src = sentence.clip;
      if (offsetMs) audio.currentTime = offsetMs / 1000;
      audioPlay();
    } else if (step.kind === "piece") {
      playPiece(0);
    } else {
      audio.pause();
      setWaiting(true);
      if (S.manifest) poller.schedule(WAITING_POLL_MS);
    }
    updateTime();
  }
  function playPiece(k) {
    S.mode = "piece";
    S.piece = k;
    setWaiting(false);
    S.waitPiece = null;
    audio.src = S.sentences[S.index].data.pieces.ready[k].clip;
    audioPlay();
  }
  // A piece ended: play the next one, or the sentence's clip from where the pieces got to, or wait.
  function afterPiece() {
    const step = Queue.afterPiece(S.sentences[S.index].data, S.piece, ready());
    if (step.kind === "end") { afterSentence(); return; }
    if (step.kind === "piece") { playPiece(step.piece); return; }
    if (step.kind === "whole") { startAt(S.index, step.offsetMs); return; }
    audio.pause();
    S.waitPiece = step.piece;
    setWaiting(true);
    poller.schedule(WAITING_POLL_MS);
  }
  function afterSentence() {
    if (S.stopAfter === S.index || S.index + 1 >= S.sentences.length) { finish(); return; }
    startAt(S.index + 1);
  }
  function play() {
    if (!S.sentences.length) return;
    hideAlert();
    $("resume").hidden = true;
    setPlaying(true);
    if (S.mode && audio.src && !S.waiting && audio.paused && audio.currentTime > 0 && !audio.ended) {
      audioPlay();
    } else {
      startAt(S.index);
    }
    if (!S.waiting) announce("正在播放");
  }
  function pause() {
    setPlaying(false);
    setWaiting(false);
    audio.pause();
    announce("已暂停");
  }
  function stop() {
    setPlaying(false);
    setWaiting(false);
    S.stopAfter = null;
    audio.pause();
    if (S.mode === "page") audio.currentTime = 0;
    S.mode = null;
    audio.removeAttribute("src");
    audio.load();
    S.index = 0;
    highlight(0, true);
    savePosition();
    updateTime();
    announce("已停止");
  }
  function finish() {
    setPlaying(false);
    S.stopAfter = null;
    announce("朗读完毕");
  }
  function jumpSentence(delta) {
    const target = S.index + delta;
    if (target < 0 || target >= S.sentences.length) return;
    if (S.playing) startAt(target);
    else { S.index = target; highlight(target); S.mode = null; updateTime(); }
  }
  function jumpSection(delta) {
    const current = S.sentences[S.index] ? S.sentences[S.index].section : 0;
    const target = S.sections[current + delta];
    if (!target || target.first > target.last) return;
    jumpSentence(target.first - S.index);
  }
  function playFrom(i, stopAfter) {
    S.stopAfter = stopAfter == null ? null : stopAfter;
    hideAlert();
    $("resume").hidden = true;
    setPlaying(true);
    startAt(i);
    if (!S.waiting) announce("正在播放");
  }
  function seekTo(ms) {
    ms = Math.max(0, Math.min(ms, totalMs()));
    if (ready()) {
      if (S.mode !== "page") { S.mode = "page"; audio.src = S.manifest.audio.mp3; }
      audio.currentTime = ms / 1000;
      syncFromTime(ms);
      if (S.playing) audioPlay();
      updateTime();
      return;
    }
    let sum = 0;
    for (let i = 0; i < S.sentences.length; i += 1) {
      const d = S.sentences[i].data.duration_ms;
      if (!d) break;
      if (ms < sum + d) {
        if (S.playing) startAt(i, ms - sum);
        else { S.index = i; highlight(i); S.mode = null; updateTime(); }
        return;
      }
      sum += d;
    }
  }
  function syncFromTime(ms) {
    let found = S.index;
    for (let i = 0; i < S.sentences.length; i += 1) {
      const start = S.sentences[i].data.start_ms;
      if (start == null || start > ms) break;
      found = i;
    }
    if (found !== S.index) { S.index = found; highlight(found); }
  }

  // ---------- the clause being heard, underlined inside the highlighted sentence ----------
  function markClause() {
    const entry = S.sentences[S.index];
    const marks = entry && entry.data.marks;
    if (!Marks.supported()) return;
    if (!marks || !S.mode || S.waiting) { Marks.clear(); return; }
    let offsetMs = audio.currentTime * 1000;
    if (S.mode === "page") offsetMs -= entry.data.start_ms || 0;
    else if (S.mode === "piece") offsetMs += piecesMs(S.index, S.piece);
    const mark = Marks.at(marks, offsetMs);
    const node = entry.el.firstChild;
    if (!node || node.nodeType !== Node.TEXT_NODE || mark.end > node.length) return;
    const range = document.createRange();
    range.setStart(node, mark.start);
    range.setEnd(node, mark.end);
    Marks.show(range);
  }

  audio.addEventListener("timeupdate", () => {
    if (S.mode === "page") {
      const ms = audio.currentTime * 1000;
      syncFromTime(ms);
      if (S.stopAfter != null) {
        const end = S.sentences[S.stopAfter].data.end_ms;
        if (end != null && ms >= end) { audio.pause(); finish(); }
      }
    }
    markClause();  // after the page position has picked the sentence
    updateTime();
  });
  audio.addEventListener("ended", () => {
    if (S.mode === "clip" && S.playing) {
      afterSentence();
    } else if (S.mode === "piece" && S.playing) {
      afterPiece();
    } else {
      finish();
    }
  });
  audio.addEventListener("error", () => {
    if (!audio.getAttribute("src")) return;
    setPlaying(false);
    showAlert("音频加载失败，请检查网络后重试。");
  });

  // ---------- highlight & follow ----------
  function highlight(i, quiet) {
    document.querySelectorAll("#doc-body .s.current").forEach((n) => n.classList.remove("current"));
    Marks.clear();
    const entry = S.sentences[i];
    if (!entry) return;
    entry.el.classList.add("current");
    if (document.activeElement === null || !entry.el.parentNode.closest("#doc-body").contains(document.activeElement)) {
      S.sentences.forEach((s) => { s.el.tabIndex = -1; });
      entry.el.tabIndex = 0;
    }
    renderCaption();
    if (S.playing) savePosition();
    Media.sentence(entry.data.text);
    if (!quiet && S.settings.follow && !S.detached) scrollToCurrent();
  }
  // ---------- caption: 简体, 繁體 or 拼音 (ruby over each character, as the voice reads it) ----------
  function renderCaption() {
    const entry = S.sentences[S.index];
    const box = $("caption-text");
    box.textContent = "";
    if (!entry) return;
    Captions.render(box, entry.data.text, S.captionScripts && S.captionScripts[entry.data.id], S.settings.script);
  }
  async function loadCaptionScripts() {
    if (S.captionScripts || S.settings.script === "simplified" || S.captionLoading) return;
    S.captionLoading = true;
    try {
      S.captionScripts = await Captions.load("", docId);
    } catch (e) {
      announce("字幕暂时只能显示简体。");
    } finally {
      S.captionLoading = false;
    }
    renderCaption();
  }
  function scrollToCurrent() {
    const entry = S.sentences[S.index];
    if (entry) entry.el.scrollIntoView({ block: "center", behavior: reducedMotion.matches ? "auto" : "smooth" });
  }
  function updateBackButton() {
    $("back-to-reading").hidden = !(S.index > 0 || S.playing) || (S.settings.follow && !S.detached);
  }
  function detach() {
    if (!S.playing || S.detached) return;
    S.detached = true;
    updateBackButton();
  }
  window.addEventListener("wheel", detach, { passive: true });
  window.addEventListener("touchmove", detach, { passive: true });
  document.addEventListener("keydown", (e) => {
    if (["PageUp", "PageDown", "Home", "End", " "].includes(e.key) && e.target === document.body) detach();
  });

  // ---------- settings ----------
  function applySettings() {
    const st = S.settings;
    $("rate").value = String(st.rate);
    $("volume").value = String(st.volume);
    $("volume").setAttribute("aria-valuetext", st.volume + "%");
    $("mute").setAttribute("aria-pressed", String(st.muted));
    $("follow").checked = st.follow;
    $("caption-toggle").setAttribute("aria-pressed", String(st.caption));
    $("caption").hidden = !st.caption;
    $("script").value = st.script;
    if ($("voice")) showVoice($("voice"), st.voice);
    if (st.caption) loadCaptionScripts();
    renderCaption();
    $("contrast-toggle").setAttribute("aria-pressed", String(st.contrast));
    $("large-toggle").setAttribute("aria-pressed", String(st.large));
    document.body.classList.toggle("hc", st.contrast);
    document.body.classList.toggle("large", st.large);
    document.body.classList.toggle("has-caption", st.caption);
    applyAudioSettings();
    updateBackButton();
  }
  function setSetting(key, value) {
    S.settings[key] = value;
    saveSettings();
    applySettings();
  }
  function toggle(key, label) {
    setSetting(key, !S.settings[key]);
    announce(label + (S.settings[key] ? "已开启" : "已关闭"));
  }

  // ---------- wiring ----------
  $("play").addEventListener("click", () => {
    if (S.waiting) announce("语音合成中，请稍候");
    else if (S.playing) pause();
    else play();
  });
  $("stop").addEventListener("click", stop);
  // 报告读音错误: marks the current sentence for the site's operator (web/reports.py); sends only
  // the document and sentence ids, nothing about the listener.
  $("report").addEventListener("click", async () => {
    const entry = S.sentences[S.index];
    if (!entry) return;
    announce(await Api.report("", docId, entry.data.id));
  });
  $("prev-sentence").addEventListener("click", () => jumpSentence(-1));
  $("next-sentence").addEventListener("click", () => jumpSentence(1));
  $("prev-section").addEventListener("click", () => jumpSection(-1));
  $("next-section").addEventListener("click", () => jumpSection(1));
  $("unlock").addEventListener("click", () => { $("unlock").hidden = true; play(); });
  $("retry").addEventListener("click", () => { hideAlert(); poller.now(); if (S.playing || S.index) play(); });
  $("restart").addEventListener("click", () => {
    $("resume").hidden = true;
    S.index = 0;
    highlight(0);
    savePosition();
    $("play").focus();
  });
  $("rate").addEventListener("change", (e) => {
    setSetting("rate", Number(e.target.value));
    announce("语速" + e.target.selectedOptions[0].textContent);
  });
  $("volume").addEventListener("input", (e) => setSetting("volume", Number(e.target.value)));
  $("mute").addEventListener("click", () => toggle("muted", "静音"));
  $("follow").addEventListener("change", (e) => {
    S.detached = false;
    setSetting("follow", e.target.checked);
  });
  $("back-to-reading").addEventListener("click", () => {
    S.detached = false;
    scrollToCurrent();
    updateBackButton();
    S.sentences[S.index] && S.sentences[S.index].el.focus({ preventScroll: true });
  });
  $("caption-toggle").addEventListener("click", () => toggle("caption", "大字幕"));
  $("contrast-toggle").addEventListener("click", () => toggle("contrast", "高对比"));
  $("script").addEventListener("change", (e) => {
    setSetting("script", e.target.value);
    announce("字幕文字：" + e.target.selectedOptions[0].textContent);
  });
  $("large-toggle").addEventListener("click", () => toggle("large", "大字模式"));
  $("reset-settings").addEventListener("click", () => {
    S.settings = Object.assign({}, DEFAULTS);
    Settings.clear(SETTINGS_KEY);
    applySettings();
    announce("设置已重置");
  });

  const seek = $("seek");
  seek.addEventListener("input", () => { S.seeking = true; seekTo(Number(seek.value) * 1000); S.seeking = false; });
  seek.addEventListener("keydown", (e) => {
    const steps = { ArrowLeft: -5, ArrowDown: -5, ArrowRight: 5, ArrowUp: 5, PageUp: 30, PageDown: -30 };
    let target = null;
    if (e.key in steps) target = positionMs() + steps[e.key] * 1000;
    else if (e.key === "Home") target = 0;
    else if (e.key === "End") target = totalMs();
    if (target === null) return;
    e.preventDefault();
    seekTo(target);
  });

  const body = $("doc-body");
  body.addEventListener("click", (e) => {
    const span = e.target.closest(".s");
    if (span) playFrom(Number(span.dataset.i));
    const btn = e.target.closest(".read-section");
    if (btn) {
      const info = S.sections[Number(btn.dataset.section)];
      if (info && info.first <= info.last) playFrom(info.first, info.last);
    }
  });
  body.addEventListener("keydown", (e) => {
    const span = e.target.closest && e.target.closest(".s");
    if (!span) return;
    const i = Number(span.dataset.i);
    const moves = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };
    let target = null;
    if (e.key in moves) target = i + moves[e.key];
    else if (e.key === "Home") target = 0;
    else if (e.key === "End") target = S.sentences.length - 1;
    else if (e.key === "Enter" || e.key === " ") { e.preventDefault(); playFrom(i); return; }
    if (target === null || target < 0 || target >= S.sentences.length) return;
    e.preventDefault();
    S.sentences.forEach((s) => { s.el.tabIndex = -1; });
    S.sentences[target].el.tabIndex = 0;
    S.sentences[target].el.focus();
  });

  document.addEventListener("keydown", (e) => {
    const t = e.target;
    if (t.closest && t.closest("input, textarea, select, [contenteditable]")) return;
    if (e.altKey && !e.ctrlKey && !e.metaKey && e.code === "KeyP") {
      e.preventDefault();
      S.playing ? pause() : play();
    }
  });

  // ---------- media session ----------
  function setupMediaSession() {
    Media.set({ title: S.manifest.title || "语音播报", artist: "", album: "播报" }, {
      play: play, pause: pause, stop: stop,
      previoustrack: () => jumpSentence(-1), nexttrack: () => jumpSentence(1),
      seekbackward: () => seekTo(positionMs() - 10000), seekforward: () => seekTo(positionMs() + 10000),
      seekto: (d) => seekTo((d.seekTime || 0) * 1000),
    });
  }

  // ---------- manifest loading & streaming ----------
  const poller = createPoller({
    fetch: (at) => Api.json("", Api.manifestPath(docId, at)),
    at: () => (S.sentences[S.index] ? S.sentences[S.index].data.id : null),
    onManifest: onManifest,
    onError: (e) => {
      showAlert(e.status === 404 ? "找不到这份文档，它可能已被删除。" : "读取文档失败，请检查网络后重试。");
      return false;
    },
    done: () => !!(S.manifest && S.manifest.status === "ready"),
    delayMs: () => (S.waiting ? WAITING_POLL_MS : POLL_MS),
  });
  function onManifest(manifest) {
    if (!S.manifest) { render(manifest); restorePosition(); } else updateFromManifest(manifest);
    if (manifest.status === "failed") {
      setPlaying(false);
      showAlert("语音合成失败，请稍后重试。");
      return false;
    }
    const entry = S.sentences[S.index];
    const step = S.waiting && entry ? Queue.resume(entry.data, S.waitPiece, ready()) : null;
    if (step && step.kind === "whole") startAt(S.index, step.offsetMs);
    else if (step && step.kind === "piece") playPiece(step.piece);
    else if (step) { startAt(S.index); announce("正在播放"); }
    else if (S.waiting && S.waitPiece == null && !S.stillAnnounced && Date.now() - S.waitSince > 10000) {
      S.stillAnnounced = true;
      announce("仍在合成，请稍候…");
    }
    return true;
  }
  function restorePosition() {
    const saved = Number(Settings.read(posKey(), 0)) || 0;
    if (saved > 0 && saved < S.sentences.length) {
      S.index = saved;
      highlight(saved, true);
      $("resume-text").textContent = "上次听到第 " + (saved + 1) + " 句。按“播放”从这里继续，不会自动播放。";
      $("resume").hidden = false;
    } else {
      highlight(0, true);
    }
    updateTime();
  }

  applySettings();
  setupReadForm(app, voice);
  poller.now();
})();

