/* Bobao core: the 大字幕 caption in 简体, 繁體 or 拼音 (ruby over each character, read as the voice reads it). */
const Captions = {
  // The caption scripts of a document, by sentence id (GET /api/documents/<id>/caption).
  async load(origin, docId) {
    const body = await Api.json(origin, Api.captionPath(docId));
    return Object.fromEntries(body.sentences.map((s) => [s.id, s]));
  },
  // Fills box with text in script; without the sentence's extra scripts it shows 简体.
  render(box, text, extra, script) {
    box.textContent = "";
    const shown = extra ? script : "simplified";
    box.classList.toggle("pinyin", shown === "pinyin");
    box.lang = shown === "traditional" ? "zh-Hant" : "zh-CN";
    if (shown === "traditional") box.textContent = extra.traditional;
    else if (shown === "pinyin") box.append(...Captions.ruby(text, extra.pinyin));
    else box.textContent = text;
  },
  ruby(text, readings) {
    const nodes = [];
    let plain = "";
    Array.from(text).forEach((ch, k) => {
      if (!readings[k]) { plain += ch; return; }
      if (plain) { nodes.push(document.createTextNode(plain)); plain = ""; }
      const ruby = document.createElement("ruby");
      const rt = document.createElement("rt");
      rt.textContent = readings[k];
      ruby.append(ch, rt);
      nodes.push(ruby);
    });
    if (plain) nodes.push(document.createTextNode(plain));
    return nodes;
  },
};
