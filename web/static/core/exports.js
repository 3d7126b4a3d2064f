/* Only in the core's test bundle (web/jsbundle.py "core.js"): the core, reachable from a test page. */
window.BobaoCore = { Settings: Settings, Api: Api, createPoller: createPoller, Queue: Queue, Marks: Marks,
  Captions: Captions, Media: Media, createAnnouncer: createAnnouncer };
