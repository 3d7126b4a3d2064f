/* Bobao player: the 朗读 form that submits new input (POST /api/documents), and its 声音 menu. */

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
  const status = document.getElementById("form-status");
  const error = document.getElementById("form-error");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const payload = await formPayload(maxUploadBytes, error);
    if (!payload) return;
    if (voiceSelect.value) payload.voice = voiceSelect.value;
    await submitDocument(payload, status, error);
  });
}

// The form's input as a request body (pasted text first, then a file, then a URL), or null once
// error says what is missing or wrong.
async function formPayload(maxUploadBytes, error) {
  const text = document.getElementById("text-input").value.trim();
  const file = document.getElementById("file-input").files[0];
  const url = document.getElementById("url-input").value.trim();
  if (text) return { text: text };
  if (file) return filePayload(file, maxUploadBytes, error);
  if (url) return { url: url };
  error.textContent = "请先粘贴文字、选择文件或填写网址。";
  return null;
}

// PDF and DOCX go as base64 (the server reads them); a .txt file as text, any other as HTML.
async function filePayload(file, maxUploadBytes, error) {
  if (!/\.(pdf|docx)$/i.test(file.name)) {
    const content = await file.text();
    return /\.txt$/i.test(file.name) ? { text: content } : { html: content };
  }
  if (maxUploadBytes && file.size > maxUploadBytes) {
    error.textContent = "文件过大：附件不能超过 " + (maxUploadBytes / 1048576).toFixed(1) + " MB。";
    return null;
  }
  return { file: await base64Of(file), filename: file.name };
}

function base64Of(file) {
  return new Promise((resolve, reject) => {
    const reading = new FileReader();
    reading.onload = () => resolve(String(reading.result).split(",", 2)[1] || "");
    reading.onerror = () => reject(reading.error);
    reading.readAsDataURL(file);
  });
}

// POST the document, then open its player page; a refusal shows the server's message.
async function submitDocument(payload, status, error) {
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
}
