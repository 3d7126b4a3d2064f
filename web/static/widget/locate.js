/* Bobao widget: where each sentence is in the host page, as DOM ranges.
 *
 * First the places the server found (elements by number, text runs, table cells); for a sentence
 * without one, the sentence's characters in the page's text, skipping exactly what the server
 * skips, preferring the article and not depending on reading order. The widget's own nodes (w.host,
 * w.skipHost: the only parts of the widget w read here) are never part of the page's text. */
// What the server's reader never reads (reader/extract.py's skip list), so the fallback match skips it too.
const SERVER_SKIPS = "script,style,noscript,template,nav,aside,footer,button,select,option,textarea,iframe," +
  "object,embed,svg,canvas,audio,video,map,dialog,menu,head,[hidden],[aria-hidden=true]," +
  "[data-tts-skip]:not([data-tts-skip=false]),.rs_skip,.rs_preserve_skip,.no-read-aloud,.trinity-skip-it,.sr-only";
const INVISIBLE = /display\s*:\s*none|visibility\s*:\s*hidden/i;
function norm(ch) {
  if (/\s/.test(ch)) return "";
  const folded = ch.normalize("NFKC");
  return (folded.length === 1 ? folded : ch).toLowerCase();
}

function runsOf(w, el) {
  const runs = [];
  let run = null;
  el.childNodes.forEach((n) => {
    if (n.nodeType === 3 || n.nodeType === 8 || n.nodeType === 7 || n === w.host || n === w.skipHost) {
      run = run || [];
      if (n.nodeType === 3) run.push(n);
    } else if (run) { runs.push(run); run = null; }
  });
  if (run) runs.push(run);
  return runs.filter((r) => /[^ \t\n\r\f]/.test(r.map((t) => t.data).join("")));
}
function placeRange(w, place, live) {
  const el = live[place.node];
  if (!el || !el.isConnected || w.host.contains(el)) return null;
  const range = document.createRange();
  if (place.run == null) { range.selectNodeContents(el); return range; }
  const run = runsOf(w, el)[place.run];
  if (!run) return null;
  let seen = 0;
  let started = false;
  for (const t of run) {
    const len = t.data.length;
    if (!started && place.start < seen + len) { range.setStart(t, place.start - seen); started = true; }
    if (started && place.end <= seen + len) { range.setEnd(t, place.end - seen); return range; }
    seen += len;
  }
  return null;
}
function pointsOf(ranges) {
  const points = [];
  ranges.forEach((range) => {
    const node = range.startContainer;
    if (node.nodeType !== 3 || node !== range.endContainer) return;
    for (let i = range.startOffset; i < range.endOffset; i += 1) if (norm(node.data[i])) points.push([node, i]);
  });
  return points;
}
function squashed(text) { return Array.from(text).map(norm).join(""); }
function located(w, entry, live) {
  const places = entry.data.where;
  if (!live || !places || !places.length) return false;
  const ranges = places.map((p) => placeRange(w, p, live));
  if (ranges.some((r) => !r)) return false;
  // The page may have changed since it was sent (a script, an SPA): text places must still say
  // the sentence (less a list number or 附件： the reader added), else the text is matched instead.
  const said = squashed(ranges.map((r) => r.toString()).join(""));
  const text = entry.data.text;
  if (places.every((p) => p.run != null) && said !== squashed(text) &&
      said !== squashed(text.replace(/^(\d+\.\s*|附件[：:])/, ""))) return false;
  setRanges(entry, ranges, places.every((p) => p.run != null) ? pointsOf(ranges) : null);
  return true;
}
function setRanges(entry, ranges, points) {
  entry.ranges = ranges;
  const span = document.createRange();
  span.setStart(ranges[0].startContainer, ranges[0].startOffset);
  const last = ranges[ranges.length - 1];
  span.setEnd(last.endContainer, last.endOffset);
  entry.range = span;
  entry.points = points;
}
function skippedByServer(el) {
  if (el.closest(SERVER_SKIPS)) return true;
  for (let a = el; a; a = a.parentElement) if (INVISIBLE.test(a.getAttribute("style") || "")) return true;
  return false;
}
function pageText(w, rootEl) {
  const walker = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      const parent = node.parentElement;
      if (!parent || w.host.contains(parent) || w.skipHost.contains(parent) || skippedByServer(parent)) return NodeFilter.FILTER_REJECT;
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  const chars = [];
  const where = [];
  let from = -1;
  let to = -1;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const inside = rootEl && rootEl.contains(node);
    if (inside && from < 0) from = chars.length;
    for (let i = 0; i < node.data.length; i += 1) {
      const c = norm(node.data[i]);
      if (c) { chars.push(c); where.push([node, i]); }
    }
    if (inside) to = chars.length;
  }
  return { text: chars.join(""), where: where, from: Math.max(0, from), to: to < 0 ? chars.length : to };
}
// The title as a whole heading (or title-classed element), never a 标题 cell that repeats it.
function titleRange(w, entry, key, manifest) {
  if (entry.data.id !== 0 || entry.data.text !== manifest.title) return false;
  const heading = Array.from(document.querySelectorAll("h1,h2,h3,h4,h5,h6,[class*=title],[id*=title]"))
    .find((el) => !w.host.contains(el) && !skippedByServer(el) && Array.from(el.textContent).map(norm).join("") === key);
  if (!heading) return false;
  const range = document.createRange();
  range.selectNodeContents(heading);
  setRanges(entry, [range], null);
  return true;
}
// One range per text node the match runs through, so skipped markup between them is never lit.
function rangesOf(points) {
  const out = [];
  let first = points[0];
  let last = points[0];
  const close = () => {
    const range = document.createRange();
    range.setStart(first[0], first[1]);
    range.setEnd(last[0], last[1] + 1);
    out.push(range);
  };
  points.slice(1).forEach((p) => {
    if (p[0] === last[0]) { last = p; return; }
    close();
    first = last = p;
  });
  close();
  return out;
}
function mapRanges(w, reading) {
  let page = null;
  let cursor = 0;
  reading.entries.forEach((entry) => {
    entry.range = null;
    entry.ranges = null;
    entry.points = null;
    if (located(w, entry, reading.live)) return;
    const key = Array.from(entry.data.text).map(norm).join("");
    if (!key) return;
    if (titleRange(w, entry, key, reading.manifest)) return;
    page = page || pageText(w, reading.root);
    const t = page.text;
    // The article first (after the last match, then from its top), then the rest of the page.
    const tries = [[Math.max(cursor, page.from), page.to], [page.from, page.to], [cursor, t.length], [0, t.length]];
    let at = -1;
    for (const [from, to] of tries) {
      at = t.indexOf(key, from);
      if (at >= 0 && at + key.length <= to) break;
      at = -1;
    }
    if (at < 0) return;  // no highlight rather than a wrong one
    const points = page.where.slice(at, at + key.length);
    setRanges(entry, rangesOf(points), points);
    cursor = at + key.length;
  });
}

// ---------- the clause being heard (from the engine's marks), inside the sentence ----------
function clauseRange(entry, mark) {
  // Offsets count the sentence's characters; the page's text was matched without whitespace.
  const kept = (upTo) => Array.from(entry.data.text.slice(0, upTo)).filter((ch) => norm(ch)).length;
  const points = entry.points;
  const first = kept(mark.start);
  const last = kept(mark.end) - 1;
  if (!points || points.length !== kept(entry.data.text.length) || last < first || last >= points.length) return null;
  const range = document.createRange();
  range.setStart(points[first][0], points[first][1]);
  range.setEnd(points[last][0], points[last][1] + 1);
  return range;
}

// The sentence whose place holds point ({node, offset}), or -1.
function sentenceAt(entries, point) {
  for (let i = 0; i < entries.length; i += 1) {
    const range = entries[i].range;
    if (!range) continue;
    try {
      if (point.offset != null ? range.comparePoint(point.node, point.offset) === 0 : range.intersectsNode(point.node)) return i;
    } catch (e) { /* node in another tree */ }
  }
  return -1;
}

// Without the CSS Custom Highlight API: a box over each line of the ranges, in the shadow root's overlay.
function drawBoxes(overlay, ranges) {
  overlay.textContent = "";
  ranges.flatMap((range) => Array.from(range.getClientRects())).forEach((rect) => {
    const box = document.createElement("div");
    box.className = "hl-box";
    box.style.left = rect.left + "px";
    box.style.top = rect.top + "px";
    box.style.width = rect.width + "px";
    box.style.height = rect.height + "px";
    overlay.appendChild(box);
  });
}
