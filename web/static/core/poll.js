/* Bobao core: polling a manifest while its document is synthesized.
 *
 * options:
 *   fetch(atId)      resolves to the manifest (atId: the sentence the listener is at, or null)
 *   at()             that sentence's id, asked afresh before each request
 *   onManifest(m)    handles a manifest; returning false stops polling
 *   onError(e)       a failed request; returning true keeps polling
 *   done()           true once nothing more can change (no further poll is scheduled)
 *   delayMs()        the wait before the next poll (shorter while a listener waits for sound)
 */
function createPoller(options) {
  let timer = 0;
  async function now() {
    clearTimeout(timer);
    let manifest;
    try {
      manifest = await options.fetch(options.at());
    } catch (e) {
      if (options.onError(e)) schedule();
      return;
    }
    if (options.onManifest(manifest) !== false) schedule();
  }
  function schedule(ms) {
    clearTimeout(timer);
    if (!options.done()) timer = setTimeout(now, ms == null ? options.delayMs() : ms);
  }
  return { now: now, schedule: schedule, stop: () => clearTimeout(timer) };
}
