/* Bobao player: the document's DOM from a manifest — sections of paragraphs of sentence spans,
 * each section's 朗读本节 and download slot, and the table of contents. No playback state. */

// Returns {sentences: [{data, el, section}], sections: [{index, first, last, el, data, download}]}.
function buildDocument(manifest, body, toc) {
  const built = { sentences: [], sections: [] };
  body.textContent = "";
  toc.textContent = "";
  manifest.sections.forEach((section, si) => body.appendChild(buildSection(section, si, toc, built)));
  if (built.sentences.length) built.sentences[0].el.tabIndex = 0;
  return built;
}

function buildSection(section, si, toc, built) {
  const wrap = el("section", { class: "doc-section", id: "sec-" + si });
  const info = { index: si, first: built.sentences.length, last: built.sentences.length - 1, el: wrap, data: section };
  const heading = section.heading ? addHeading(wrap, section, si, toc) : null;
  const tools = sectionTools(section, si, info);
  addSentences(wrap, heading, section, si, built.sentences);
  if (!heading) toc.appendChild(el("li")).appendChild(el("a", { href: "#sec-" + si }, unnamedLabel(section, si)));
  wrap.insertBefore(tools, heading ? heading.nextSibling : wrap.firstChild);
  if (heading && !heading.firstChild) heading.textContent = section.heading;  // heading not spoken as a sentence
  info.last = built.sentences.length - 1;
  built.sections.push(info);
  return wrap;
}

// The section's heading (h2–h6 by its level, naming the section) and its line in the contents.
function addHeading(wrap, section, si, toc) {
  const level = Math.min(6, Math.max(2, (section.level || 1) + 1));
  const heading = el("h" + level, { id: "sec-h-" + si });
  wrap.setAttribute("aria-labelledby", "sec-h-" + si);
  wrap.appendChild(heading);
  const li = el("li");
  li.appendChild(el("a", { href: "#sec-" + si }, section.heading));
  toc.appendChild(li);
  return heading;
}

// 朗读本节 and the (hidden until the audio exists) section download link, kept in info.download.
function sectionTools(section, si, info) {
  const tools = el("div", { class: "section-tools" });
  const readBtn = el("button", { type: "button", class: "btn read-section", "data-section": String(si) }, "朗读本节");
  if (section.heading) readBtn.appendChild(el("span", { class: "visually-hidden" }, "：" + section.heading));
  tools.appendChild(readBtn);
  const dl = el("a", { class: "btn dl-section", hidden: "" });
  tools.appendChild(dl);
  info.download = dl;
  return tools;
}

// One span per sentence, in a <p> per paragraph; a first sentence that is the heading goes inside it.
function addSentences(wrap, heading, section, si, sentences) {
  let para = null;
  let paraNo = null;
  (section.sentences || []).forEach((sentence, k) => {
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
}

// An unnamed part after the opening is named by its first words, never by a bare number.
function unnamedLabel(section, si) {
  const said = section.sentences || [];
  const opening = said.length ? said[0].text : "";
  const words = opening.length > 14 ? opening.slice(0, 14) + "…" : opening;
  return si === 0 || !words ? "（开头）" : "（" + words + "）";
}
