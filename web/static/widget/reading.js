/* Bobao widget: a reading (the page, or a 指读/selection snippet) asked of the server and polled while
 * it is synthesized, its entries from the manifest, and what to say when the server is unreachable.
 * w is the widget (createWidget in widget.js). */
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
// The manifest's sentences in order, keeping the places already found for the previous entries.
function flatten(manifest, previous) {
  const entries = [];
  manifest.sections.forEach((section) => (section.sentences || []).forEach((s) => {
    const old = previous && previous[entries.length];
    entries.push(old ? { data: s, range: old.range, ranges: old.ranges, points: old.points } : { data: s, range: null });
  }));
  return entries;
}

// body: the page's snapshot or a snippet's {text}; mapRoot: the element its sentences are looked for
// in (null for a snippet, which is never highlighted).
async function createReading(w, body, mapRoot) {
  if (w.config.voice) body.voice = w.config.voice;
  if (w.config.ttsRate) body.rate = w.config.ttsRate;
  if (w.config.engine) body.engine = w.config.engine;
  const live = body.live || null;
  delete body.live;
  const manifest = await Api.json(ORIGIN, "/api/documents", body);
  const reading = { manifest: manifest, entries: flatten(manifest), root: mapRoot, live: live };
  if (mapRoot) mapRanges(w, reading);
  return reading;
}
function contentElement(w) {
  return articleOf(w.config) || document.body;
}
function prepare(w) {
  // Started on press or focus of 语音播报 (so the title is ready when the press lands); plays nothing.
  if (!w.preparing) {
    w.preparing = createReading(w, pageSnapshot(w.host, w.skipHost, w.config, contentElement(w)), contentElement(w));
    w.preparing.catch(() => { w.preparing = null; });
  }
  return w.preparing;
}
// One reading is polled at a time: the one being played (the page, or a 指读/selection snippet).
function pollReading(w, reading) {
  if (w.poller) w.poller.stop();
  if (!reading) return;
  w.poller = createPoller({
    fetch: (at) => Api.json(ORIGIN, Api.manifestPath(reading.manifest.id, at)),
    at: () => {
      const here = w.queue === reading && reading.entries[w.index];  // where this listener is
      return here ? here.data.id : null;
    },
    onManifest: (manifest) => {
      reading.manifest = manifest;
      reading.entries = flatten(manifest, reading.entries);
      return afterPoll(w, reading);
    },
    onError: () => afterPoll(w, reading),  // transient: keep polling
    done: () => ["ready", "failed"].includes(reading.manifest.status),
    delayMs: () => (w.waiting ? POLL_MS / 2 : POLL_MS),  // a listener waiting for sound: look again sooner
  });
  w.poller.schedule();
}
function afterPoll(w, reading) {
  if (reading.manifest.status === "failed") { fail(w, "语音合成失败，请稍后重试。"); return false; }
  if (reading === w.reading) showDownload(w, reading.manifest);
  const entry = w.waiting && w.queue === reading ? reading.entries[w.index] : null;
  const next = entry ? Queue.resume(entry.data, w.waitPiece, false) : null;
  if (next && next.kind === "whole") playIndex(w, w.index, next.offsetMs);
  else if (next && next.kind === "piece") playPiece(w, next.piece);
  else if (next) playIndex(w, w.index);
  return true;
}
function showDownload(w, manifest) {
  const link = w.$("download");
  const audioInfo = manifest.audio || {};
  if (manifest.status !== "ready" || !audioInfo.mp3 || !audioInfo.size_bytes) { link.hidden = true; return; }
  const mb = audioInfo.size_bytes / 1024 / 1024;
  link.href = ORIGIN + audioInfo.mp3 + "?download=1";
  link.textContent = "下载本页音频（MP3，" + (mb >= 1 ? mb.toFixed(1) + " MB" : Math.max(1, Math.round(mb * 1024)) + " KB") + "）";
  link.hidden = false;
  layout(w);
}
