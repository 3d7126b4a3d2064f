/* Bobao core: the JSON API, from the server's own page (origin "") or from a foreign site. */
const Api = {
  // fetch() options: a foreign site sends no cookies and asks for CORS; the player is same-origin.
  options(origin, init) {
    return origin ? Object.assign({ mode: "cors", credentials: "omit" }, init) : init;
  },
  // GET (or POST with body) origin + path as JSON; a failed status throws an Error with .status.
  async json(origin, path, body) {
    const init = body
      ? { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body) }
      : { headers: { Accept: "application/json" } };
    const response = await fetch(origin + path, Api.options(origin, init));
    if (!response.ok) {
      const error = new Error("HTTP " + response.status);
      error.status = response.status;
      throw error;
    }
    return response.json();
  },
  // ?at= tells the server where this listener is, so it synthesizes that sentence first.
  manifestPath(docId, atId) {
    return "/api/documents/" + encodeURIComponent(docId) + (atId == null ? "" : "?at=" + atId);
  },
  captionPath(docId) {
    return "/api/documents/" + encodeURIComponent(docId) + "/caption";
  },
  // 报告读音错误 (web/reports.py): only the document and sentence ids, nothing about the listener.
  // Resolves to the sentence the listener hears, in words.
  async report(origin, docId, sentenceId) {
    try {
      const response = await fetch(origin + "/api/reports", Api.options(origin, {
        method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ document: docId, sentence: sentenceId }),
      }));
      if (response.ok) return "已报告这句的读音错误，谢谢。";
      return response.status === 429 ? "报告过于频繁，请稍后再试。" : "报告未能发送，请稍后再试。";
    } catch (e) {
      return "报告未能发送，请稍后再试。";
    }
  },
};
