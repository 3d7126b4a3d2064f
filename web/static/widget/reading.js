/* Bobao widget: a reading's entries from its manifest, and what to say when the server is unreachable. */
// A site missing from the server's allow-list fails like a network error (its preflight is
// refused, which a page cannot read): ask the server which it was, and tell the operator the fix.
async function unreachableMessage() {
  try {
    const response = await fetch(ORIGIN + "/api/origin", { mode: "cors", credentials: "omit" });
    const info = response.ok ? await response.json() : {};
    if (info.allowed === false) {
      console.error("Bobao: the service at " + ORIGIN + " does not yet allow this site (" + location.origin +
        "). Add it to " + info.setting + " on the Bobao server, e.g. " + info.environment + "='[\"" +
        location.origin + "\"]', and restart the server.");
      return "本网站尚未开通语音播报服务，请联系网站管理员。";
    }
  } catch (e) { /* the service itself is unreachable */ }
  return "无法连接语音服务，请稍后重试。";
}
// The manifest's sentences in order, keeping the places already found for the previous entries.
function flatten(manifest, previous) {
  const entries = [];
  manifest.sections.forEach((section) => (section.sentences || []).forEach((s) => {
    const old = previous && previous[entries.length];
    entries.push(old ? { data: s, range: old.range, ranges: old.ranges, points: old.points } : { data: s, range: null });
  }));
  return entries;
}
