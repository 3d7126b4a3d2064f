"""The shared JavaScript core (web/static/core/), alone in a page, once for both UIs.

The page and its API are a loopback stub served by this test, so each answer (a manifest still
being synthesized, a caption, a refused report) is exactly what the test says; the one clip played
is a real MP3 from the Bobao test server. The page's CSP allows only its own scripts, so the core
bundle is proven CSP-clean on its own. The player and the widget on top of it have their own tests.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from urllib.parse import parse_qs

import pytest

from tests.browser.conftest import Servers
from tests.browser.conftest import _ServerThread
from tests.browser.conftest import wait_ready
from web import jsbundle

pytestmark = pytest.mark.browser

PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>core</title>
<script src="/core.js"></script></head><body>
<p id="sentence">各级政府，依法行政。</p><div id="status" role="status"></div><p id="caption"></p>
</body></html>"""
SENTENCES = [{"id": 0, "text": "第一句。"}, {"id": 1, "text": "第二句。"}]
CAPTION = {"sentences": [
    {"id": 0, "traditional": "第一句。", "pinyin": ["dì", "yī", "jù", ""]},
    {"id": 1, "traditional": "第二句。", "pinyin": ["dì", "èr", "jù", ""]},
]}


def manifest(status: str) -> dict[str, Any]:
    return {"id": "doc1", "status": status, "sections": [{"sentences": SENTENCES}]}


@dataclass
class Stub:
    """What the stub API answers next, and what it was asked."""

    statuses: list[str] = field(default_factory=list)  # manifest statuses, one per GET, the last repeats
    report_codes: list[int] = field(default_factory=list)
    seen_at: list[str | None] = field(default_factory=list)
    reports: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    origin: str = ""

    def manifest(self, query: str) -> dict[str, Any]:
        with self.lock:
            self.seen_at.append(parse_qs(query).get("at", [None])[0])
            status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return manifest(status)


def make_stub_app(stub: Stub, bobao: str) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path, query = environ.get("PATH_INFO", "/"), environ.get("QUERY_STRING", "")
        status, ctype, body = "200 OK", "application/json", b""
        if path == "/core.html":
            ctype, body = "text/html; charset=utf-8", PAGE.encode()
        elif path == "/favicon.ico":
            status = "204 No Content"
        elif path == "/core.js":
            ctype, body = "text/javascript; charset=utf-8", jsbundle.assemble("core.js").body
        elif path == "/api/documents/doc1":
            body = json.dumps(stub.manifest(query)).encode()
        elif path == "/api/documents/doc1/caption":
            body = json.dumps(CAPTION).encode()
        elif path == "/api/reports" and environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            stub.reports.append(json.loads(environ["wsgi.input"].read(length)))
            code = stub.report_codes.pop(0)
            status, body = f"{code} X", b"{}"
        else:
            status, body = "404 Not Found", b'{"error": "not found"}'
        csp = f"default-src 'self'; script-src 'self'; connect-src 'self'; media-src {bobao}"
        start_response(status, [("Content-Type", ctype), ("Content-Security-Policy", csp),
                                ("Cache-Control", "no-store")])
        return [body]

    return app


@pytest.fixture
def stub(servers: Servers) -> Iterator[Stub]:
    found = Stub()
    server = _ServerThread(make_stub_app(found, servers.bobao))
    found.origin = server.origin
    yield found
    server.stop()


@pytest.fixture
def core(page: Any, stub: Stub) -> Any:
    page.goto(stub.origin + "/core.html")
    assert page.evaluate("Object.keys(window.BobaoCore).sort()") == [
        "Api", "Captions", "Marks", "Media", "Queue", "Settings", "createAnnouncer", "createPoller"]
    return page


def expect_refused(page: Any, count: int) -> None:
    """The browser logs each refused request the test asked for; those (and only those) are expected."""
    assert len(page.js_errors) == count and all("status of" in e for e in page.js_errors), page.js_errors
    page.js_errors.clear()


POLL_UNTIL_READY = """async () => {
  const C = window.BobaoCore;
  let last = null;
  let at = 0;
  const statuses = [];
  await new Promise((resolve) => {
    const poller = C.createPoller({
      fetch: (id) => C.Api.json("", C.Api.manifestPath("doc1", id)),
      at: () => (at === 0 ? null : at),
      onManifest: (m) => { last = m; statuses.push(m.status); at += 1; if (m.status === "ready") resolve(); },
      onError: () => false,
      done: () => !!(last && last.status === "ready"),
      delayMs: () => 20,
    });
    poller.now();
  });
  await new Promise((r) => setTimeout(r, 300));  // ready: no poll is scheduled any more
  return statuses;
}"""


def test_polling_says_where_the_listener_is_and_stops_when_ready(core: Any, stub: Stub) -> None:
    stub.statuses = ["synthesizing", "synthesizing", "ready"]
    assert core.evaluate(POLL_UNTIL_READY) == ["synthesizing", "synthesizing", "ready"]
    assert stub.seen_at == [None, "1", "2"]


def test_a_failed_poll_reports_its_status_and_stops_unless_told_to_go_on(core: Any, stub: Stub) -> None:
    result = core.evaluate("""async () => {
      const C = window.BobaoCore;
      const errors = [];
      const poller = C.createPoller({
        fetch: (id) => C.Api.json("", C.Api.manifestPath("gone", id)), at: () => 3,
        onManifest: () => true, onError: (e) => { errors.push(e.status); return errors.length < 2; },
        done: () => false, delayMs: () => 20,
      });
      poller.now();
      await new Promise((r) => setTimeout(r, 300));
      return errors;
    }""")
    assert result == [404, 404]
    expect_refused(core, 2)


PIECES = {"id": 0, "text": "第一句。", "pieces": {"count": 3, "ready": [
    {"clip": "/a.mp3", "duration_ms": 400}, {"clip": "/b.mp3", "duration_ms": 300}]}}


def test_the_piece_queue_plays_pieces_then_the_whole_and_waits_for_what_is_missing(core: Any) -> None:
    steps = core.evaluate("""(s) => {
      const Q = window.BobaoCore.Queue;
      const withClip = Object.assign({}, s, { clip: "/whole.mp3" });
      const more = s.pieces.ready.concat([{ clip: "/c.mp3", duration_ms: 200 }]);
      const three = Object.assign({}, s, { pieces: { count: 3, ready: more } });
      const bare = { id: 1, text: "第二句。" };
      return {
        piecesMs: Q.piecesMs(s, 2),
        start: Q.start(s, 0, false), startLater: Q.start(s, 100, false), startPage: Q.start(s, 100, true),
        startBare: Q.start(bare, 0, false),
        after0: Q.afterPiece(s, 0, false), after1: Q.afterPiece(s, 1, false),
        after2: Q.afterPiece(three, 2, false),
        after1Clip: Q.afterPiece(withClip, 1, false),
        stillWaiting: Q.resume(s, 2, false), pieceCame: Q.resume(three, 2, false),
        clipCame: Q.resume(withClip, 2, false),
        bareWaiting: Q.resume(bare, null, false), startCame: Q.resume(s, null, false),
      };
    }""", PIECES)
    assert steps == {
        "piecesMs": 700,
        "start": {"kind": "piece", "piece": 0}, "startLater": {"kind": "wait"},
        "startPage": {"kind": "whole", "offsetMs": 100}, "startBare": {"kind": "wait"},
        "after0": {"kind": "piece", "piece": 1}, "after1": {"kind": "wait", "piece": 2},
        "after2": {"kind": "end"},
        "after1Clip": {"kind": "whole", "offsetMs": 700},
        "stillWaiting": None, "pieceCame": {"kind": "piece", "piece": 2},
        "clipCame": {"kind": "whole", "offsetMs": 700},
        "bareWaiting": None, "startCame": {"kind": "start"},
    }


def test_a_real_clip_plays_at_the_chosen_speed_and_volume(core: Any, servers: Servers) -> None:
    ready = wait_ready(servers, servers.app.extensions["bobao"].demo_id)
    clip = servers.bobao + ready["sections"][0]["sentences"][0]["clip"]
    played = core.evaluate("""async (url) => {
      const Q = window.BobaoCore.Queue;
      const audio = document.createElement("audio");
      document.body.appendChild(audio);
      audio.src = url;
      Q.tune(audio, 1.5, 0.5, false);
      let started = false;
      let blocked = false;
      Q.play(audio, () => { started = true; }, () => { blocked = true; });
      const until = Date.now() + 10000;
      while (audio.currentTime < 0.2 && !audio.error && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 50));
      }
      audio.pause();
      return { started, blocked, rate: audio.playbackRate, volume: audio.volume, pitch: audio.preservesPitch,
        heard: audio.currentTime >= 0.2, error: audio.error && audio.error.code };
    }""", clip)
    assert played == {"started": True, "blocked": False, "rate": 1.5, "volume": 0.5, "pitch": True,
                      "heard": True, "error": None}


def test_marks_underline_the_clause_being_heard(core: Any) -> None:
    result = core.evaluate("""() => {
      const M = window.BobaoCore.Marks;
      const marks = [{ start: 0, end: 5, start_ms: 0 }, { start: 5, end: 10, start_ms: 900 }];
      const node = document.getElementById("sentence").firstChild;
      const picked = [0, 899, 900, -5].map((ms) => M.at(marks, ms).start);
      const mark = M.at(marks, 1200);
      const range = document.createRange();
      range.setStart(node, mark.start);
      range.setEnd(node, mark.end);
      M.show(range);
      const lit = CSS.highlights.get("bobao-clause");
      const shown = !!lit && Array.from(lit)[0].toString();
      M.show(null);
      const afterNull = CSS.highlights.has("bobao-clause");
      M.show(range);
      M.clear();
      const afterClear = CSS.highlights.has("bobao-clause");
      return { supported: M.supported(), picked, shown, afterNull, afterClear };
    }""")
    assert result == {"supported": True, "picked": [0, 0, 5, 0], "shown": "依法行政。", "afterNull": False,
                      "afterClear": False}


def test_captions_load_and_render_in_each_script(core: Any) -> None:
    result = core.evaluate("""async () => {
      const C = window.BobaoCore.Captions;
      const scripts = await C.load("", "doc1");
      const box = document.getElementById("caption");
      const out = {};
      C.render(box, "第二句。", scripts[1], "pinyin");
      out.pinyin = { ruby: Array.from(box.querySelectorAll("ruby")).map((r) => r.textContent),
        cls: box.className, text: box.textContent, lang: box.lang };
      C.render(box, "第二句。", { traditional: "第貳句。", pinyin: [] }, "traditional");
      out.traditional = { text: box.textContent, lang: box.lang, ruby: box.querySelectorAll("ruby").length,
        cls: box.className };
      C.render(box, "第二句。", undefined, "pinyin");  // scripts not loaded (yet): 简体
      out.missing = { text: box.textContent, lang: box.lang };
      return { ids: Object.keys(scripts), out };
    }""")
    assert result["ids"] == ["0", "1"]
    assert result["out"] == {
        "pinyin": {"ruby": ["第dì", "二èr", "句jù"], "cls": "pinyin", "text": "第dì二èr句jù。",
                   "lang": "zh-CN"},
        "traditional": {"text": "第貳句。", "lang": "zh-Hant", "ruby": 0, "cls": ""},
        "missing": {"text": "第二句。", "lang": "zh-CN"},
    }


def test_settings_persist_merge_and_survive_a_broken_store(core: Any) -> None:
    result = core.evaluate("""() => {
      const S = window.BobaoCore.Settings;
      localStorage.clear();
      const fresh = S.load("k", { rate: 1, caption: false });
      S.save("k", { rate: 1.5 });
      const saved = S.load("k", { rate: 1, caption: false });
      const keepKeys = (base, stored) => Object.assign(base, stored, { keys: base.keys });
      const merged = S.load("k", { rate: 1, keys: { a: "1" } }, keepKeys);
      localStorage.setItem("k", "{not json");
      const broken = S.load("k", { rate: 1 });
      const brokenRead = S.read("k", 7);
      S.save("pos", 3);
      const pos = S.read("pos", 0);
      S.clear("pos");
      const cleared = S.read("pos", 0);
      return { fresh, saved, merged, broken, brokenRead, pos, cleared, raw: localStorage.getItem("pos") };
    }""")
    assert result == {
        "fresh": {"rate": 1, "caption": False}, "saved": {"rate": 1.5, "caption": False},
        "merged": {"rate": 1.5, "keys": {"a": "1"}}, "broken": {"rate": 1}, "brokenRead": 7,
        "pos": 3, "cleared": 0, "raw": None,
    }
    core.reload()
    assert core.evaluate("window.BobaoCore.Settings.read('k', null)") is None  # the broken entry fell back


def test_reports_say_what_happened(core: Any, stub: Stub) -> None:
    stub.report_codes = [201, 429, 500]
    said = core.evaluate("""async () => {
      const A = window.BobaoCore.Api;
      return [await A.report("", "doc1", 1), await A.report("", "doc1", 1), await A.report("", "doc1", 1)];
    }""")
    assert said == ["已报告这句的读音错误，谢谢。", "报告过于频繁，请稍后再试。",
                    "报告未能发送，请稍后再试。"]
    assert stub.reports == [{"document": "doc1", "sentence": 1}] * 3
    expect_refused(core, 2)


def test_media_session_and_status_line(core: Any) -> None:
    result = core.evaluate("""async () => {
      const C = window.BobaoCore;
      // An action this browser does not know is skipped, not thrown.
      C.Media.set({ title: "标题", artist: "", album: "播报" }, { play: () => {}, notanaction: () => {} });
      C.Media.sentence("长".repeat(80));
      const announce = C.createAnnouncer(() => document.getElementById("status"));
      const status = document.getElementById("status");
      announce("已暂停");
      await new Promise((r) => setTimeout(r, 80));
      const first = status.textContent;
      announce("已暂停");
      const cleared = status.textContent;  // a repeat is cleared first, so it is said again
      await new Promise((r) => setTimeout(r, 80));
      const metadata = navigator.mediaSession.metadata;
      const again = status.textContent;
      return { title: metadata.title, artist: metadata.artist.length, first, cleared, again };
    }""")
    assert result == {"title": "标题", "artist": 60, "first": "已暂停", "cleared": "", "again": "已暂停"}
