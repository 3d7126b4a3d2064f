/* Bobao player: the document's manifest, polled while it is synthesized (core/poll.js) — the first
 * one renders the page, each one updates the timing and downloads and resumes a listener who waits. */
function createManifestPoller(P) {
  return createPoller({
    fetch: (at) => Api.json("", Api.manifestPath(P.docId, at)),
    at: () => (P.sentences[P.index] ? P.sentences[P.index].data.id : null),
    onManifest: (manifest) => onManifest(P, manifest),
    onError: (e) => {
      showAlert(e.status === 404 ? "找不到这份文档，它可能已被删除。" : "读取文档失败，请检查网络后重试。");
      return false;
    },
    done: () => !!(P.manifest && P.manifest.status === "ready"),
    delayMs: () => (P.waiting ? WAITING_POLL_MS : POLL_MS),
  });
}
function onManifest(P, manifest) {
  if (!P.manifest) { render(P, manifest); restorePosition(P); } else updateFromManifest(P, manifest);
  if (manifest.status === "failed") {
    setPlaying(P, false);
    showAlert("语音合成失败，请稍后重试。");
    return false;
  }
  resumeWaiting(P);
  return true;
}
// A listener waiting for sound hears it as soon as it exists; after 10 s they are told it is coming.
function resumeWaiting(P) {
  const entry = P.sentences[P.index];
  const step = P.waiting && entry ? Queue.resume(entry.data, P.waitPiece, pageReady(P)) : null;
  if (step && step.kind === "whole") startAt(P, P.index, step.offsetMs);
  else if (step && step.kind === "piece") playPiece(P, step.piece);
  else if (step) { startAt(P, P.index); P.announce("正在播放"); }
  else if (P.waiting && P.waitPiece == null && !P.stillAnnounced && Date.now() - P.waitSince > 10000) {
    P.stillAnnounced = true;
    P.announce("仍在合成，请稍候…");
  }
}

function render(P, manifest) {
  P.manifest = manifest;
  $("doc-title").textContent = manifest.title || "未命名文档";
  document.title = (manifest.title || "文档") + " · 语音播报";
  $("doc-meta").textContent = manifest.date ? "日期：" + manifest.date : "";
  const built = buildDocument(manifest, $("doc-body"), $("toc"));
  P.sentences = built.sentences;
  P.sections = built.sections;
  updateFromManifest(P, manifest);
  setupMediaSession(P);
}
// A saved position is offered (上次听到第 N 句), never played by itself.
function restorePosition(P) {
  const saved = Number(Settings.read(positionKey(P), 0)) || 0;
  if (saved > 0 && saved < P.sentences.length) {
    P.index = saved;
    highlight(P, saved, true);
    $("resume-text").textContent = "上次听到第 " + (saved + 1) + " 句。按“播放”从这里继续，不会自动播放。";
    $("resume").hidden = false;
  } else {
    highlight(P, 0, true);
  }
  updateTime(P);
}

function updateFromManifest(P, manifest) {
  P.manifest = manifest;
  manifest.sections.forEach((section, si) => {
    (section.sentences || []).forEach((sentence, k) => {
      const entry = P.sentences[P.sections[si].first + k];
      if (entry) entry.data = sentence;
    });
    const dl = P.sections[si] && P.sections[si].download;
    if (dl && section.mp3 && section.size_bytes && manifest.status === "ready") {
      showSectionDownload(dl, manifest, section, si);
    }
  });
  showPageDownload(P, manifest);
  updateTime(P);
}
function showSectionDownload(dl, manifest, section, si) {
  dl.href = section.mp3 + "?download=1";
  dl.setAttribute("download", (manifest.title || "audio") + "-" + (si + 1) + ".mp3");
  dl.textContent = "下载本节音频（MP3，" + fileSize(section.size_bytes) + "）";
  if (section.heading) dl.appendChild(el("span", { class: "visually-hidden" }, "：" + section.heading));
  dl.hidden = false;
}
// The page's MP3 once it exists, else how far synthesis has got.
function showPageDownload(P, manifest) {
  const page = $("download-page");
  if (pageReady(P) && manifest.audio.size_bytes) {
    page.href = manifest.audio.mp3 + "?download=1";
    page.setAttribute("download", (manifest.title || "audio") + ".mp3");
    page.textContent = "下载全文音频（MP3，" + fileSize(manifest.audio.size_bytes) + "）";
    page.hidden = false;
    $("download-pending").hidden = true;
  } else if (manifest.progress && manifest.progress.total) {
    $("download-pending").textContent =
      "音频生成中（" + manifest.progress.done + "/" + manifest.progress.total + " 句），完成后可下载 MP3。";
  }
}
