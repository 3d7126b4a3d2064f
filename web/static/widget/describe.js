/* Bobao widget: 指读, the words said for the control or text under the pointer or focus. */
function labelFor(el) {
  const id = el.id;
  const label = (id && document.querySelector('label[for="' + CSS.escape(id) + '"]')) || el.closest("label");
  return (el.getAttribute("aria-label") || (label && label.textContent) || el.placeholder || el.name || "").trim();
}
// What 指读 says for an element of the host page (null: nothing to say).
function describe(host, target) {
  // Never the widget's own controls (focus inside the shadow root is not in the host document).
  if (!target || target.nodeType !== 1 || host.contains(target) || target.getRootNode() !== document) return null;
  const el = target.closest("a[href],button,img,input,select,textarea,h1,h2,h3,h4,h5,h6,[role=button],[role=link]") || target;
  const tag = el.tagName.toLowerCase();
  const name = (el.getAttribute("aria-label") || el.innerText || el.textContent || "").replace(/\s+/g, " ").trim().slice(0, 200);
  if (tag === "a" || el.getAttribute("role") === "link") return name ? "链接：" + name : null;
  if (tag === "button" || el.getAttribute("role") === "button") return "按钮：" + name;
  if (tag === "img") return "图片：" + (el.alt || "无文字说明");
  if (tag === "input") {
    const type = (el.type || "text").toLowerCase();
    if (["button", "submit", "reset"].includes(type)) return "按钮：" + (el.value || labelFor(el));
    if (type === "checkbox") return "复选框：" + labelFor(el);
    if (type === "radio") return "单选按钮：" + labelFor(el);
    return "文本输入框：" + labelFor(el);
  }
  if (tag === "textarea") return "文本输入框：" + labelFor(el);
  if (tag === "select") return "下拉列表：" + labelFor(el);
  if (/^h[1-6]$/.test(tag)) return "标题：" + name;
  const own = Array.from(el.childNodes).filter((n) => n.nodeType === 3).map((n) => n.data).join("").trim();
  return own ? name : null;
}
