/* Bobao core: the clause being heard (the engine's marks), underlined with the CSS Custom Highlight API. */
const Marks = {
  NAME: "bobao-clause",
  supported() {
    return !!(window.CSS && CSS.highlights && window.Highlight);
  },
  // The mark heard offsetMs into the sentence: the last one started, else the first.
  at(marks, offsetMs) {
    return marks.filter((m) => m.start_ms <= offsetMs).pop() || marks[0];
  },
  show(range) {
    if (range) CSS.highlights.set(Marks.NAME, new Highlight(range));
    else Marks.clear();
  },
  clear() {
    if (window.CSS && CSS.highlights) CSS.highlights.delete(Marks.NAME);
  },
};
