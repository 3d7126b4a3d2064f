/* Bobao player: following the reading — the page scrolls to the sentence being heard until the
 * listener scrolls away (detached), then 回到朗读位置 brings it back. */
function scrollToCurrent(P) {
  const entry = P.sentences[P.index];
  if (entry) entry.el.scrollIntoView({ block: "center", behavior: P.reducedMotion.matches ? "auto" : "smooth" });
}
function updateBackButton(P) {
  $("back-to-reading").hidden = !(P.index > 0 || P.playing) || (P.settings.follow && !P.detached);
}
function detach(P) {
  if (!P.playing || P.detached) return;
  P.detached = true;
  updateBackButton(P);
}
function backToReading(P) {
  P.detached = false;
  scrollToCurrent(P);
  updateBackButton(P);
  P.sentences[P.index] && P.sentences[P.index].el.focus({ preventScroll: true });
}

// The listener's own scrolling (wheel, touch, or page keys on the page itself) stops the following.
function wireDetach(P) {
  window.addEventListener("wheel", () => detach(P), { passive: true });
  window.addEventListener("touchmove", () => detach(P), { passive: true });
  document.addEventListener("keydown", (e) => {
    if (["PageUp", "PageDown", "Home", "End", " "].includes(e.key) && e.target === document.body) detach(P);
  });
}
