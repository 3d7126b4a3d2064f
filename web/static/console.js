/* Bobao operator console: every figure comes from /admin/api/* with the token typed in (kept in
 * this tab's sessionStorage only). Lexicon and rules are edited as whole lists, validated by the
 * server and written atomically; a preview sends the draft list, so a change is heard before saving.
 * Loaded as a module: strict, deferred and with its own scope, so no wrapping function is needed. */
const $ = (id) => document.getElementById(id);
const KEY = "bobao-admin-token";
const state = { entries: [], rules: [] };

function say(message) { $("console-status").textContent = message; }
function oops(message) { $("console-error").textContent = message; }
function cell(row, text) { const td = document.createElement("td"); td.textContent = text; row.appendChild(td); return td; }
function button(label, onClick) {
  const b = document.createElement("button");
  b.type = "button"; b.className = "btn"; b.textContent = label; b.addEventListener("click", onClick);
  return b;
}

async function api(method, path, body, raw) {
  const headers = { Authorization: "Bearer " + (sessionStorage.getItem(KEY) || "") };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.ok) return raw ? response : response.json();
  let error = {};
  try { error = (await response.json()).error || {}; } catch (e) { /* not JSON */ }
  const problems = (error.entries || error.rules || []).map((p) => (p.word || p.written || "") + "：" + p.errors.join("；"));
  const err = new Error([error.message || ("HTTP " + response.status), error.detail, ...problems].filter(Boolean).join(" "));
  err.status = response.status;
  throw err;
}

async function loadAll() {
  oops("");
  try {
    const [cache, docs, reports, lexicon, rules] = await Promise.all([
      api("GET", "/admin/api/cache"), api("GET", "/admin/api/documents"), api("GET", "/admin/api/reports"),
      api("GET", "/admin/api/lexicon"), api("GET", "/admin/api/rules")]);
    $("panels").hidden = false; $("logout").hidden = false;
    showCache(cache); showDocs(docs); showReports(reports);
    state.entries = lexicon.entries; state.rules = rules.rules;
    showEntries(lexicon); showRules();
    say("已载入。");
  } catch (e) {
    $("panels").hidden = true;
    oops(e.status === 401 ? "管理令牌不正确。" : e.message);
  }
}

function showCache(cache) {
  const mb = (cache.total_bytes / 1048576).toFixed(1);
  $("cache-stats").textContent = "句子音频 " + cache.entries + " 段，共 " + mb + " MB" +
    (cache.max_bytes ? "（上限 " + (cache.max_bytes / 1048576).toFixed(0) + " MB）" : "（未设上限）") + "。";
}

const STATUS = { ready: "已完成", synthesizing: "合成中", pending: "排队中", failed: "失败" };
function showDocs(body) {
  const tbody = $("docs"); tbody.textContent = "";
  body.documents.forEach((d) => {
    const row = document.createElement("tr");
    cell(row, d.title || d.id); cell(row, STATUS[d.status] || d.status);
    cell(row, d.progress ? d.progress.done + " / " + d.progress.total + " 句" : "");
    const link = document.createElement("a"); link.href = d.player; link.textContent = "打开";
    link.setAttribute("aria-label", "打开 " + (d.title || d.id));
    cell(row, "").appendChild(link);
    tbody.appendChild(row);
  });
}

function showReports(body) {
  const list = $("reports"); list.textContent = "";
  $("reports-empty").hidden = body.reports.length > 0;
  body.reports.forEach((r) => {
    const item = document.createElement("li");
    const text = document.createElement("p"); text.textContent = "原文：" + r.text + "（" + r.count + " 次报告）";
    const spoken = document.createElement("p"); spoken.textContent = "读作：" + r.spoken;
    item.append(text, spoken);
    if (r.clip) {
      const player = document.createElement("audio"); player.controls = true; player.preload = "none"; player.src = r.clip;
      player.setAttribute("aria-label", "报告句子的音频：" + r.text.slice(0, 20));
      item.appendChild(player);
    }
    item.append(
      button("用发音词典修正", () => { $("entry-sample").value = r.text; $("entry-word").focus(); }),
      button("用读法规则修正", () => { $("rule-sample").value = r.text; $("rule-written").focus(); }),
      button("关闭报告", async () => {
        try { await api("DELETE", "/admin/api/reports/" + encodeURIComponent(r.id)); say("报告已关闭。"); loadAll(); }
        catch (e) { oops(e.message); }
      }));
    list.appendChild(item);
  });
}

function showEntries(lexicon) {
  const tbody = $("entries"); tbody.textContent = "";
  lexicon.entries.forEach((entry) => {
    const row = document.createElement("tr");
    cell(row, entry.word); cell(row, entry.pinyin); cell(row, entry.say || "");
    const actions = cell(row, "");
    actions.append(
      button("编辑 " + entry.word, () => {
        $("entry-original").value = entry.word; $("entry-word").value = entry.word;
        $("entry-pinyin").value = entry.pinyin; $("entry-say").value = entry.say || "";
        $("entry-form-heading").textContent = "编辑词条 " + entry.word; $("entry-word").focus();
      }),
      button("删除 " + entry.word, () => saveEntries(state.entries.filter((e) => e.word !== entry.word), "已删除 " + entry.word + "。")));
    tbody.appendChild(row);
  });
}
function draftEntries() {
  const original = $("entry-original").value;
  const entry = { word: $("entry-word").value.trim(), pinyin: $("entry-pinyin").value.trim(), say: $("entry-say").value.trim() || null };
  return state.entries.filter((e) => e.word !== original && e.word !== entry.word).concat([entry]);
}
async function saveEntries(entries, message) {
  oops("");
  try {
    const saved = await api("PUT", "/admin/api/lexicon", entries);
    state.entries = saved.entries; showEntries(saved); clearEntry();
    say(message + saved.changed_sentences + " 句含有改动的词语，只重新生成这些句子的音频。");
  } catch (e) { oops("未保存：" + e.message); }
}
function clearEntry() {
  ["entry-original", "entry-word", "entry-pinyin", "entry-say"].forEach((id) => { $(id).value = ""; });
  $("entry-form-heading").textContent = "添加词条";
}

function showRules() {
  const tbody = $("rules"); tbody.textContent = "";
  state.rules.forEach((rule) => {
    const row = document.createElement("tr");
    cell(row, rule.written); cell(row, rule.spoken);
    cell(row, "").append(
      button("编辑 " + rule.written, () => {
        $("rule-original").value = rule.written; $("rule-written").value = rule.written;
        $("rule-spoken").value = rule.spoken; $("rule-written").focus();
      }),
      button("删除 " + rule.written, () => saveRules(state.rules.filter((r) => r.written !== rule.written))));
    tbody.appendChild(row);
  });
}
function draftRules() {
  const original = $("rule-original").value;
  const rule = { written: $("rule-written").value.trim(), spoken: $("rule-spoken").value.trim() };
  return state.rules.filter((r) => r.written !== original && r.written !== rule.written).concat([rule]);
}
async function saveRules(rules) {
  oops("");
  try {
    const saved = await api("PUT", "/admin/api/rules", rules);
    state.rules = saved.rules; showRules();
    ["rule-original", "rule-written", "rule-spoken"].forEach((id) => { $(id).value = ""; });
    say("读法规则已保存。" + saved.changed_sentences + " 句的读法改变，只重新生成这些句子的音频。");
    loadDocsSoon();
  } catch (e) { oops("未保存：" + e.message); }
}
function loadDocsSoon() { setTimeout(async () => { try { showDocs(await api("GET", "/admin/api/documents")); } catch (e) { /* shown later */ } }, 500); }

async function preview(sample, body, out) {
  oops("");
  const text = sample.trim();
  if (!text) { oops("请先填写试听句子。"); return; }
  try {
    const info = await api("POST", "/admin/api/lexicon/preview", Object.assign({ text }, body));
    $(out).textContent = "读作：" + info.sentences.map((s) => s.text_engine_spoken || s.spoken).join("");
    const response = await api("POST", "/admin/api/lexicon/preview?audio=1", Object.assign({ text }, body), true);
    const player = $("preview-audio");
    if (player.src) URL.revokeObjectURL(player.src);
    player.src = URL.createObjectURL(await response.blob());
    player.hidden = false;
    await player.play().catch(() => say("请按播放键试听。"));
  } catch (e) { oops("无法试听：" + e.message); }
}

$("cache-verify").addEventListener("click", async () => {
  $("cache-report").textContent = "正在检查…";
  try {
    const r = await api("POST", "/admin/api/cache/verify", { repair: false });
    $("cache-report").textContent = "检查了 " + r.checked + " 段音频：" + (r.clean ? "全部完好。" :
      "损坏 " + r.corrupt.length + " 段，残缺 " + r.partials.length + " 个，孤立 " + r.orphans.length + " 个（可用 bobao cache verify --repair 清除）。");
  } catch (e) { $("cache-report").textContent = ""; oops(e.message); }
});
$("login").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(KEY, $("token").value); $("token").value = ""; loadAll();
});
$("logout").addEventListener("click", () => { sessionStorage.removeItem(KEY); $("panels").hidden = true; $("logout").hidden = true; say("已退出。"); });
$("entry-form").addEventListener("submit", (event) => { event.preventDefault(); saveEntries(draftEntries(), "词条已保存。"); });
$("entry-preview").addEventListener("click", () => preview($("entry-sample").value, { entries: draftEntries() }, "entry-spoken"));
$("entry-cancel").addEventListener("click", clearEntry);
$("rule-form").addEventListener("submit", (event) => { event.preventDefault(); saveRules(draftRules()); });
$("rule-preview").addEventListener("click", () => preview($("rule-sample").value, { rules: draftRules() }, "rule-spoken-out"));
$("rule-cancel").addEventListener("click", () => { ["rule-original", "rule-written", "rule-spoken"].forEach((id) => { $(id).value = ""; }); });
if (sessionStorage.getItem(KEY)) loadAll();
