/* Bobao core: settings and positions kept in localStorage.
 * Private mode or a full store only loses persistence: reads fall back, writes are dropped. */
const Settings = {
  // The JSON stored under key, or fallback when there is none or it cannot be read.
  read(key, fallback) {
    try {
      const raw = localStorage.getItem(key);
      return raw == null ? fallback : JSON.parse(raw);
    } catch (e) {
      return fallback;
    }
  },
  // base (a fresh object of defaults) with what was saved laid over it; merge(base, saved) when the
  // UI needs more than a plain overlay (the widget keeps the user's own shortcut digits).
  load(key, base, merge) {
    try {
      const saved = JSON.parse(localStorage.getItem(key) || "{}");
      return merge ? merge(base, saved) : Object.assign(base, saved);
    } catch (e) {
      return base;
    }
  },
  save(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* storage off */ }
  },
  clear(key) {
    try { localStorage.removeItem(key); } catch (e) { /* storage off */ }
  },
};
