/* Bobao player: text helpers with no playback state — times and file sizes in words, a heading's
 * bare text, and el() for new elements. */
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
