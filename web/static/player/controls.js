/* Bobao player: the buttons and settings controls, each wired to its action. */
function wireTransport(P) {
  $("play").addEventListener("click", () => {
    if (P.waiting) P.announce("语音合成中，请稍候");
    else if (P.playing) pause(P);
    else play(P);
  });
  $("stop").addEventListener("click", () => stopReading(P));
  // 报告读音错误: marks the current sentence for the site's operator (web/reports.py); sends only
  // the document and sentence ids, nothing about the listener.
  $("report").addEventListener("click", async () => {
    const entry = P.sentences[P.index];
    if (!entry) return;
    P.announce(await Api.report("", P.docId, entry.data.id));
  });
  $("prev-sentence").addEventListener("click", () => jumpSentence(P, -1));
  $("next-sentence").addEventListener("click", () => jumpSentence(P, 1));
  $("prev-section").addEventListener("click", () => jumpSection(P, -1));
  $("next-section").addEventListener("click", () => jumpSection(P, 1));
  $("unlock").addEventListener("click", () => { $("unlock").hidden = true; play(P); });
  $("retry").addEventListener("click", () => { hideAlert(); P.poller.now(); if (P.playing || P.index) play(P); });
  $("restart").addEventListener("click", () => {
    $("resume").hidden = true;
    P.index = 0;
    highlight(P, 0);
    savePosition(P);
    $("play").focus();
  });
}

function wirePreferences(P) {
  $("rate").addEventListener("change", (e) => {
    setSetting(P, "rate", Number(e.target.value));
    P.announce("语速" + e.target.selectedOptions[0].textContent);
  });
  $("volume").addEventListener("input", (e) => setSetting(P, "volume", Number(e.target.value)));
  $("mute").addEventListener("click", () => toggleSetting(P, "muted", "静音"));
  $("follow").addEventListener("change", (e) => {
    P.detached = false;
    setSetting(P, "follow", e.target.checked);
  });
  $("back-to-reading").addEventListener("click", () => backToReading(P));
  $("caption-toggle").addEventListener("click", () => toggleSetting(P, "caption", "大字幕"));
  $("contrast-toggle").addEventListener("click", () => toggleSetting(P, "contrast", "高对比"));
  $("script").addEventListener("change", (e) => {
    setSetting(P, "script", e.target.value);
    P.announce("字幕文字：" + e.target.selectedOptions[0].textContent);
  });
  $("large-toggle").addEventListener("click", () => toggleSetting(P, "large", "大字模式"));
  $("reset-settings").addEventListener("click", () => resetSettings(P));
}
