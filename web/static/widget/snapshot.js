/* Bobao widget: the copy of the host page that broadcast mode sends to the server. */
const INDEX_ATTR = "data-bobao-n";
const MAX_SEND_CHARS = 190000;  // under the server's MAX_TEXT_CHARS (200,000)
// What broadcast mode sends: the whole page, so the server finds the title and date as it does for
// a URL, with every element numbered (on a copy; the live page is never touched) so the server can
// say where each sentence is. The widget's own nodes are left out; script, style and svg bodies are
// sent empty (their elements stay, so text runs around them are not merged).
function pageSnapshot(host, skipHost, config, rootEl) {
  const live = [];
  const copy = document.documentElement.cloneNode(true);
  const doomed = [];
  (function number(el, twin) {
    if (el === host || el === skipHost) { doomed.push(twin); return; }
    twin.setAttribute(INDEX_ATTR, String(live.length));
    live.push(el);
    // Never read, so never sent: code, and whatever a visitor or the site put in a form field.
    if (/^(script|style|svg|noscript|template|iframe|object|textarea)$/.test(el.localName)) { twin.textContent = ""; return; }
    if (el.localName === "input") twin.removeAttribute("value");
    if (el.localName === "meta" && /csrf|token/i.test(el.getAttribute("name") || "")) twin.removeAttribute("content");
    for (let i = 0; i < el.children.length; i += 1) number(el.children[i], twin.children[i]);
  })(document.documentElement, copy);
  doomed.forEach((el) => el.remove());
  const chosen = config.selector && document.querySelector(config.selector);
  // An operator who named the article container is followed; otherwise the server picks it.
  if (chosen) copy.querySelector("[" + INDEX_ATTR + '="' + live.indexOf(chosen) + '"]').setAttribute("data-tts-only", "");
  let html = "<!DOCTYPE html>" + copy.outerHTML;
  if (html.length > MAX_SEND_CHARS) {  // a huge portal page: its <title>, <h1> and article, still numbered
    const twin = (el) => copy.querySelector("[" + INDEX_ATTR + '="' + live.indexOf(el) + '"]');
    const heading = document.querySelector("body h1");
    const title = document.createElement("title");
    title.textContent = document.title;
    html = "<!DOCTYPE html><html><head>" + title.outerHTML + "</head><body>" +
      (heading && !rootEl.contains(heading) && twin(heading) ? twin(heading).outerHTML : "") +
      twin(rootEl).outerHTML + "</body></html>";
  }
  return { html: html, live: live };
}
