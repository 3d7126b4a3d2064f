/* Bobao player page: the parts with no playback state (assembled before player.js by web/jsbundle.py):
 * text helpers, the document's DOM from a manifest, and the 朗读 form that submits new input. */
function pad2(n) { return n < 10 ? "0" + n : String(n); }
function clock(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  return Math.floor(s / 60) + ":" + pad2(s % 60);
}
function spokenTime(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60);
  return m > 0 ? m + "分" + pad2(s % 60) + "秒" : (s % 60) + "秒";
}
function fileSize(bytes) {
  if (bytes >= 1024 * 1024) return (bytes / 1024 / 1024).toFixed(1) + " MB";
  return Math.max(1, Math.round(bytes / 1024)) + " KB";
}
function bare(text) {
  return text.replace(/[\s。．.、:：]+$/u, "").trim();
}
function el(tag, attrs, text) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
  if (text) node.textContent = text;
  return node;
}

// The document as sections of paragraphs of sentence spans, and its table of contents.
function buildDocument(manifest, body, toc) {
  const sentences = [];
  const sections = [];
  body.textContent = "";
  toc.textContent = "";
  manifest.sections.forEach((section, si) => {
    const wrap = el("section", { class: "doc-section", id: "sec-" + si });
    const info = { index: si, first: sentences.length, last: sentences.length - 1, el: wrap, data: section };
    let heading = null;
    const said = section.sentences || [];
    if (section.heading) {
      const level = Math.min(6, Math.max(2, (section.level || 1) + 1));
      heading = el("h" + level, { id: "sec-h-" + si });
      wrap.setAttribute("aria-labelledby", "sec-h-" + si);
      wrap.appendChild(heading);
      const li = el("li");
      li.appendChild(el("a", { href: "#sec-" + si }, section.heading));
      toc.appendChild(li);
    }
    const tools = el("div", { class: "section-tools" });
    const readBtn = el("button", { type: "button", class: "btn read-section", "data-section": String(si) }, "朗读本节");
    if (section.heading) readBtn.appendChild(el("span", { class: "visually-hidden" }, "：" + section.heading));
    tools.appendChild(readBtn);
    const dl = el("a", { class: "btn dl-section", hidden: "" });
    tools.appendChild(dl);
    info.download = dl;
    let para = null;
    let paraNo = null;
    said.forEach((sentence, k) => {
      const span = el("span", { class: "s", tabindex: "-1", "data-i": String(sentences.length) }, sentence.text);
      const isHeading = heading && k === 0 && bare(sentence.text) === bare(section.heading);
      if (isHeading) {
        heading.appendChild(span);
      } else {
        if (!para || sentence.paragraph !== paraNo) {
          para = el("p");
          paraNo = sentence.paragraph;
          wrap.appendChild(para);
        } else {
          para.appendChild(document.createTextNode(""));
        }
        para.appendChild(span);
      }
      sentences.push({ data: sentence, el: span, section: si });
    });
    if (!heading) {
      // An unnamed part after the opening is named by its first words, never by a bare number.
      const opening = said.length ? said[0].text : "";
      const words = opening.length > 14 ? opening.slice(0, 14) + "…" : opening;
      const label = si === 0 || !words ? "（开头）" : "（" + words + "）";
      toc.appendChild(el("li")).appendChild(el("a", { href: "#sec-" + si }, label));
    }
    wrap.insertBefore(tools, heading ? heading.nextSibling : wrap.firstChild);
    if (heading && !heading.firstChild) heading.textContent = section.heading;  // heading not spoken as a sentence
    info.last = sentences.length - 1;
    sections.push(info);
    body.appendChild(wrap);
  });
  if (sentences.length) sentences[0].el.tabIndex = 0;
  return { sentences: sentences, sections: sections };
}

/* 声音: the voices this server lets a client pick (/api/voices already applies the operator's
 * CLIENT_VOICES), native Mandarin styles first; a style with a foreign accent says so in its label. */
function accentedVoice(voice) {
  return /口音/.test(voice.display_name || "") || /^ja/i.test(voice.lang || "") || /^j[fm]_/.test(voice.name);
}
function voiceLabel(voice, isDefault) {
  let label = voice.display_name || voice.name;
  if (accentedVoice(voice) && !/口音/.test(label)) label += "（日语口音）";
  return isDefault ? label + "（默认）" : label;
}
// The saved voice when it is still offered, else the server's default.
function showVoice(select, name) {
  const names = [...select.options].map((o) => o.value);
  select.value = names.includes(name) ? name : (select.dataset.default || names[0] || "");
}
async function fillVoices(select, saved) {
  let listed;
  try { listed = await Api.json("", "/api/voices"); } catch (e) { return; }  // "默认声音" stays: the server picks
  // Array.prototype.sort is stable: within each group the engine's own order (its best first) is kept.
  const voices = (listed.voices || []).slice().sort((a, b) => accentedVoice(a) - accentedVoice(b));
  if (!voices.length) return;
  select.textContent = "";
  voices.forEach((v) => select.appendChild(el("option", { value: v.name }, voiceLabel(v, v.name === listed.default))));
  select.dataset.default = voices.some((v) => v.name === listed.default) ? listed.default : voices[0].name;
  showVoice(select, saved);
}

// voice: {get, set} of the remembered voice (the player's settings).
function setupReadForm(app, voice) {
  const form = document.getElementById("read-form");
  if (!form) return;
  const voiceSelect = document.getElementById("voice");
  fillVoices(voiceSelect, voice.get());
  voiceSelect.addEventListener("change", () => voice.set(voiceSelect.value));
  // From the server's body limit (MAX_CONTENT_LENGTH), less base64's third.
  const maxUploadBytes = Number(app.dataset.maxUploadBytes) || 0;
  const base64Of = (file) => new Promise((resolve, reject) => {
    const reading = new FileReader();
    reading.onload = () => resolve(String(reading.result).split(",", 2)[1] || "");
    reading.onerror = () => reject(reading.error);
    reading.readAsDataURL(file);
  });
  const status = document.getElementById("form-status");
  const error = document.getElementById("form-error");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const text = document.getElementById("text-input").value.trim();
    const file = document.getElementById("file-input").files[0];
    const url = document.getElementById("url-input").value.trim();
    let payload;
    if (text) payload = { text: text };
    else if (file) {
      if (/\.(pdf|docx)$/i.test(file.name)) {
        if (maxUploadBytes && file.size > maxUploadBytes) {
          error.textContent = "文件过大：附件不能超过 " + (maxUploadBytes / 1048576).toFixed(1) + " MB。";
          return;
        }
        payload = { file: await base64Of(file), filename: file.name };
      } else {
        const content = await file.text();
        payload = /\.txt$/i.test(file.name) ? { text: content } : { html: content };
      }
    } else if (url) payload = { url: url };
    else { error.textContent = "请先粘贴文字、选择文件或填写网址。"; return; }
    if (voiceSelect.value) payload.voice = voiceSelect.value;
    status.textContent = "正在提交，请稍候…";
    try {
      const response = await fetch("/api/documents", {
        method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(payload),
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok || !data.id) {
        const message = (data.error && (data.error.message || data.error)) || data.message || ("错误代码 " + response.status);
        status.textContent = "";
        error.textContent = "提交失败：" + message;
        return;
      }
      status.textContent = "已提交，正在打开播放页…";
      window.location.assign("/d/" + encodeURIComponent(data.id));
    } catch (e) {
      status.textContent = "";
      error.textContent = "提交失败，请检查网络后重试。";
    }
  });
}

