/* Bobao widget: the visual pack (MIIT CN-S7/S8): its CSS for the host page, applying it (in effect
 * only in broadcast mode), the 十字辅助线 and 阅读遮罩 drawn in the shadow root, and the 纯文本 view.
 * w is the widget (createWidget in widget.js). */
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
function contentSelector(config) {
  if (config.selector && document.querySelector(config.selector)) return config.selector;
  return CONTENT_FALLBACKS.find((sel) => document.querySelector(sel)) || "body > :not(.bobao-widget-host)";
}
// The host page's rules for the visual pack's settings st (empty: none).
function visualCss(config, st) {
  let css = "";
  if (st.zoom !== 1) {
    const sel = contentSelector(config);
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
// 纯文本: the manifest's text as headings and paragraphs in body.
function renderTextView(body, manifest) {
  body.textContent = "";
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

// 大鼠标, 放大/缩小 and 配色 through an adopted sheet on the host page (its cursor also inside the
// toolbar), 十字辅助线 and 阅读遮罩 in the shadow root; all of it off outside broadcast mode.
function applyVisuals(w) {
  const st = w.settings;
  const css = w.active ? visualCss(w.config, st) : "";
  const adopted = document.adoptedStyleSheets.includes(w.sheets.visual);
  if (css) {
    w.sheets.visual.replaceSync(css);
    if (!adopted) document.adoptedStyleSheets = document.adoptedStyleSheets.concat([w.sheets.visual]);
  } else if (adopted) {
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== w.sheets.visual);
  }
  w.sheets.shadowVisual.replaceSync(w.active && st.cursor ? ".bobao,.bobao *{cursor:" + cursors().arrow + " !important}" +
    ".bobao :is(button,select,a[href],label){cursor:" + cursors().hand + " !important}" : "");
  const cross = w.$("crosshair");
  const show = w.active && st.cross;
  if (show && cross.hidden && !w.crossPlaced) placeCross(w, window.innerWidth / 2, window.innerHeight / 2);
  cross.hidden = !show;
  const masked = w.active && st.mask;
  if (masked && w.$("masklayer").hidden) placeMask(w, w.maskY || window.innerHeight / 3);
  w.$("masklayer").hidden = !masked;
}
function placeCross(w, x, y) {
  w.crossPlaced = true;
  w.$("cross-h").style.top = Math.round(y) + "px";
  w.$("cross-v").style.left = Math.round(x) + "px";
}
// 阅读遮罩: shade the page above and below a band of a few lines around the pointer, or around the
// sentence being read when reading follows it.
function placeMask(w, y) {
  w.maskY = y;
  const band = Math.max(96, Math.round(parseFloat(getComputedStyle(document.body).fontSize || "16") * 4.5));
  const top = Math.max(0, Math.round(y - band / 2));
  w.$("mask-top").style.height = top + "px";
  w.$("mask-bottom").style.top = (top + band) + "px";
}
function maskOnTarget(w) {
  if (!w.active || !w.settings.mask || !w.maskTarget) return;
  const rect = w.maskTarget.getBoundingClientRect();
  placeMask(w, rect.top + rect.height / 2);
}
function later(w) { return w.active ? "" : "（进入播报模式后生效）"; }
function toggleVisual(w, key, name) {
  const value = !w.settings[key];
  setSetting(w, key, value, name + (value ? "已开启" : "已关闭") + later(w));
}
function cycleTheme(w) {
  const next = (w.settings.theme + 1) % THEMES.length;
  setSetting(w, "theme", next, "配色：" + THEMES[next][0] + later(w));
}
function stepZoom(w, delta) {
  const at = Math.max(0, ZOOMS.indexOf(w.settings.zoom));
  const next = ZOOMS[Math.min(ZOOMS.length - 1, Math.max(0, at + delta))];
  if (next === w.settings.zoom) { w.announce(delta > 0 ? "文字已是最大" : "文字已是最小"); return; }
  setSetting(w, "zoom", next, "文字" + (delta > 0 ? "放大" : "缩小") + "到" + Math.round(next * 100) + "%" + later(w));
}
function openTextView(w) {
  renderTextView(w.$("textbody"), w.reading && w.reading.manifest);
  w.$("textview").showModal();
}
