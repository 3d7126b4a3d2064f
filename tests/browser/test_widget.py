"""The embeddable widget on a host page of another origin, under a strict CSP, in real Chromium."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import Servers

pytestmark = pytest.mark.browser

SHADOW = "document.querySelector('.bobao-widget-host').shadowRoot"
AUDIO = f"() => {{ const a = {SHADOW}.getElementById('audio'); " \
        "return {t: a.currentTime, paused: a.paused, " \
        "src: a.currentSrc, rate: a.playbackRate}; }"
HIGHLIGHT = "() => { const h = CSS.highlights.get('bobao-current'); " \
            "return h ? [...h].map((r) => r.toString()).join('') : null; }"
STATE = "() => Bobao.state()"


def squash(text: str) -> str:
    return "".join(text.split())


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def open_host(page: Any, servers: Servers, path: str = "/article") -> list[Any]:
    requests: list[Any] = []
    page.on("request", lambda r: requests.append(r))
    page.goto(servers.host + path)
    page.wait_for_function("() => window.Bobao && document.querySelector('.bobao-widget-host')")
    return requests


def status(page: Any) -> str:
    return page.evaluate(f"{SHADOW}.getElementById('status').textContent")


def active_id(page: Any) -> str:
    return page.evaluate(f"({SHADOW}.activeElement || {{}}).id || ''")


def wait_status(page: Any, text: str, timeout_ms: int = 15_000) -> None:
    page.wait_for_function(f"(t) => {SHADOW}.getElementById('status').textContent === t", arg=text,
                           timeout=timeout_ms)


def wait_playing(page: Any) -> None:
    page.wait_for_function(f"() => {{ const a = {SHADOW}.getElementById('audio'); "
                           "return !a.paused && a.currentTime > 0.05; }", timeout=15_000)


def check_highlight_is_caption(page: Any) -> str:
    """The host-page highlight covers exactly the sentence being spoken (shown in the caption)."""
    highlighted = page.evaluate(HIGHLIGHT)
    caption = page.evaluate(f"{SHADOW}.getElementById('captiontext').textContent")
    assert highlighted is not None
    assert squash(highlighted) == squash(caption), (highlighted, caption)
    return highlighted


def focus_ring_ok(page: Any) -> bool:
    return page.evaluate(f"""() => {{ const el = {SHADOW}.activeElement; if (!el) return false;
        const cs = getComputedStyle(el);
        return cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2; }}""")


def test_loading_the_widget_is_silent_and_changes_nothing(page: Any, servers: Servers) -> None:
    requests = open_host(page, servers)
    page.wait_for_timeout(1000)
    bobao_paths = [urlsplit(r.url).path for r in requests if origin_of(r.url) == servers.bobao]
    assert bobao_paths == ["/widget.js"], "nothing is posted or played before the user asks"
    assert page.evaluate(f"{SHADOW}.getElementById('audio').paused")
    assert page.evaluate("[...document.querySelectorAll('audio')].length") == 0, "no media in the host DOM"
    assert page.get_attribute("#launcher", "aria-expanded") == "false"
    assert page.evaluate(f"{SHADOW}.getElementById('panel').hidden")
    assert page.evaluate("document.adoptedStyleSheets.length") == 0
    assert page.evaluate("CSS.highlights.size") == 0
    name = page.evaluate(f"{SHADOW}.getElementById('launcher').textContent.trim()")
    assert name == "语音播报"
    assert page.evaluate(f"{SHADOW}.getElementById('launcher').getAttribute('aria-controls')") == "panel"


def test_a_new_title_is_heard_piece_by_piece_while_highlighted(page: Any, servers: Servers) -> None:
    open_host(page, servers, "/article-slow")
    page.evaluate(f"""() => {{ window.played = [];
        {SHADOW}.getElementById('audio').addEventListener('playing',
            (e) => window.played.push(new URL(e.target.currentSrc).pathname)); }}""")
    created = lambda r: r.url.endswith("/api/documents") and r.request.method == "POST"  # noqa: E731
    with page.expect_response(created) as info:
        page.click("#launcher")
    doc_id = info.value.json()["id"]
    wait_playing(page)
    title = check_highlight_is_caption(page)
    assert title.startswith("第") and "法治政府建设情况报告" in title
    page.wait_for_function("() => Bobao.state().index >= 1", timeout=30_000)
    played = page.evaluate("window.played")
    manifest = servers.app.test_client().get(f"/api/documents/{doc_id}").get_json()
    first = manifest["sections"][0]["sentences"][0]
    pieces = [p["clip"] for p in first["pieces"]["ready"]]
    assert first["text"] == squash(title) and len(pieces) >= 3
    # The title's first sound is its first piece; the pieces follow in order (or the rest of the
    # title from its whole clip, had that landed first), and only then sentence two.
    assert played[0] == pieces[0]
    heard = [src for src in played if src in pieces]
    assert heard == pieces[: len(heard)]
    assert len(heard) == len(pieces) or first["clip"] in played


CLAUSE = "() => { const h = CSS.highlights.get('bobao-clause'); return h ? [...h][0].toString() : null; }"


def test_the_clause_being_heard_is_marked_in_the_host_page(page: Any, servers: Servers) -> None:
    open_host(page, servers, "/article-clauses")
    created = lambda r: r.url.endswith("/api/documents") and r.request.method == "POST"  # noqa: E731
    with page.expect_response(created) as info:
        page.click("#launcher")
    wait_playing(page)
    doc_id = info.value.json()["id"]
    page.click("#play")  # pause while the page finishes: other tests' pages may share the workers
    page.wait_for_function("() => !Bobao.state().playing")
    assert servers.app.extensions["bobao"].wait(doc_id, 60)
    manifest = servers.app.test_client().get(f"/api/documents/{doc_id}").get_json()
    entries = [s for sec in manifest["sections"] for s in sec["sentences"]]
    target = next(i for i, s in enumerate(entries) if len(s.get("marks") or []) >= 3)
    clauses = {squash(entries[target]["text"][m["start"]:m["end"]]) for m in entries[target]["marks"]}
    for _ in range(40):  # step (paused) to the target from wherever playback had got to
        index = page.evaluate("() => Bobao.state().index")
        if index == target:
            break
        page.click("#next" if index < target else "#prev")
    page.wait_for_function("(i) => Bobao.state().index === i", arg=target)
    page.click("#play")
    heard = set()
    for _ in range(80):
        clause = page.evaluate(CLAUSE)
        if clause and page.evaluate("() => Bobao.state().index") == target:
            heard.add(squash(clause))
            assert squash(clause) in squash(page.evaluate(HIGHLIGHT)), "inside the highlighted sentence"
        if heard == clauses:
            break
        page.wait_for_timeout(100)
    assert heard and heard <= clauses, heard
    assert len(heard) >= 2, "the mark moves from clause to clause"


def test_broadcast_mode_by_mouse(page: Any, servers: Servers) -> None:
    requests = open_host(page, servers, "/article-new")
    page.evaluate("() => document.getElementById('q').setAttribute('value', '私人查询词')")
    before = page.evaluate("document.body.outerHTML")
    page.click("#launcher")
    assert page.get_attribute("#launcher", "aria-expanded") == "true"
    assert active_id(page) == "play", "opening moves focus to the first control"
    # The wait is the check: the status may already have moved on by the time a second read lands.
    page.wait_for_function(f"() => {SHADOW}.getElementById('status').textContent.startsWith('语音合成中')",
                           timeout=5_000)
    wait_status(page, "已进入播报模式")
    wait_playing(page)
    first = check_highlight_is_caption(page)
    assert squash(first) in squash(page.text_content("article"))
    first_src = page.evaluate(AUDIO)["src"]
    assert first_src.startswith(servers.bobao + "/audio/")
    # Speed change applies to the playing audio (pitch preserved by the browser).
    page.select_option("#rate", "2")
    assert page.evaluate(AUDIO)["rate"] == 2
    # The highlight moves with the audio: when the clip ends, the next sentence is both heard and marked.
    page.wait_for_function(f"() => Bobao.state().index >= 1 && !{SHADOW}.getElementById('audio').paused",
                           timeout=20_000)
    second = check_highlight_is_caption(page)
    assert second != first
    assert page.evaluate(AUDIO)["src"] != first_src
    page.click("#next")
    index = page.evaluate(STATE)["index"]
    wait_playing(page)
    check_highlight_is_caption(page)
    page.click("#prev")
    assert page.evaluate(STATE)["index"] == index - 1
    page.click("#caption")
    assert page.is_visible("#captionbar")
    size = page.evaluate(f"parseFloat(getComputedStyle({SHADOW}.querySelector('#captiontext')).fontSize)")
    assert size >= 36
    page.click("#play")
    wait_status(page, "已暂停")
    assert page.evaluate(AUDIO)["paused"]
    # Once the page MP3 is assembled the panel offers it, with its size, from the Bobao origin.
    link = page.locator("#download")
    link.wait_for(state="visible", timeout=30_000)
    href = link.get_attribute("href")
    assert href.startswith(servers.bobao + "/documents/") and href.endswith(".mp3?download=1")
    mp3 = page.request.get(href)
    assert mp3.status == 200 and mp3.headers["content-type"] == "audio/mpeg"
    assert mp3.headers["content-disposition"].startswith("attachment")
    size_kb = len(mp3.body()) / 1024
    shown = link.text_content()
    expected = f"{size_kb / 1024:.1f} MB" if size_kb >= 1024 else f"{round(size_kb)} KB"
    assert expected in shown, shown
    page.click("#exit")
    wait_status(page, "已退出播报模式")
    assert active_id(page) == "launcher", "leaving returns focus to the launcher"
    assert page.evaluate(AUDIO)["paused"]
    assert page.evaluate("CSS.highlights.size") == 0
    assert page.evaluate("document.adoptedStyleSheets.length") == 0
    assert page.evaluate("document.body.outerHTML") == before, "the host DOM is restored byte for byte"
    others = {origin_of(r.url) for r in requests} - {servers.host, servers.bobao}
    assert others == set(), f"requests left the two origins: {others}"
    widget_requests = [r.url for r in requests if origin_of(r.url) != servers.host]
    assert widget_requests and all(u.startswith(servers.bobao) for u in widget_requests)
    posts = [r for r in requests if r.method == "POST"]
    assert len(posts) == 1
    sent = json.loads(posts[0].post_data)["html"]
    # The whole page (so the server finds title and date), numbered, without the widget's own nodes.
    assert "<article data-bobao-n=" in sent and "<h1 data-bobao-n=" in sent and "<title" in sent
    assert "bobao-widget-host" not in sent and "bobao-skip-host" not in sent
    assert "私人查询词" not in sent, "form fields are never sent"


def test_broadcast_mode_by_keyboard_only(page: Any, servers: Servers) -> None:
    open_host(page, servers)
    before = page.evaluate("document.body.outerHTML")
    for _ in range(12):
        page.keyboard.press("Tab")
        if active_id(page) == "launcher":
            break
    assert active_id(page) == "launcher"
    assert focus_ring_ok(page)
    page.keyboard.press("Enter")
    wait_status(page, "已进入播报模式")
    wait_playing(page)
    assert active_id(page) == "play"
    page.keyboard.press("Space")
    wait_status(page, "已暂停")
    page.keyboard.press("Enter")
    wait_playing(page)
    page.keyboard.press("Alt+6")  # 语速 steps up
    assert page.evaluate(AUDIO)["rate"] == 1.25
    page.keyboard.press("Alt+9")  # 大字幕
    assert page.is_visible("#captionbar")
    check_highlight_is_caption(page)
    page.keyboard.press("Escape")  # stops speech
    wait_status(page, "已停止")
    assert page.evaluate(AUDIO)["paused"]
    seen = []
    for _ in range(30):
        page.keyboard.press("Tab")
        seen.append(active_id(page))
        if seen[-1]:
            assert focus_ring_ok(page), seen[-1]
        if seen[-1] == "exit":
            break
    assert seen[-1] == "exit", seen
    page.keyboard.press("Enter")
    wait_status(page, "已退出播报模式")
    assert active_id(page) == "launcher"
    assert page.evaluate("document.body.outerHTML") == before


def test_continuous_reading_starts_where_the_user_clicks(page: Any, servers: Servers) -> None:
    open_host(page, servers)
    before = page.evaluate("document.body.outerHTML")
    page.keyboard.press("Alt+8")  # 连读 on, from anywhere on the page
    assert page.get_attribute("#cont", "aria-pressed") == "true"
    paragraph = page.locator("article p").nth(3)
    # A user scrolls to the paragraph before clicking it: Playwright's element click does the
    # same (and checks nothing covers it), whatever the fonts make the page's height.
    paragraph.click()
    wait_playing(page)
    spoken = check_highlight_is_caption(page)
    assert squash(spoken) in squash(paragraph.text_content()), "reading starts inside the clicked paragraph"
    assert page.evaluate(STATE)["index"] > 0
    other = page.locator("article h2").first
    other.click()
    page.wait_for_function(f"(t) => {SHADOW}.getElementById('captiontext').textContent.trim() === t",
                           arg=other.text_content().strip(), timeout=10_000)
    page.click("#exit")
    assert page.evaluate("document.body.outerHTML") == before


def test_point_reading_speaks_element_type_and_name(page: Any, servers: Servers) -> None:
    requests = open_host(page, servers)
    page.keyboard.press("Alt+7")  # 指读 on
    assert page.get_attribute("#point", "aria-pressed") == "true"
    posted = lambda: [json.loads(r.post_data).get("text", "") for r in requests if r.method == "POST"]  # noqa: E731
    page.hover("nav a >> nth=1")
    page.wait_for_function(f"() => !{SHADOW}.getElementById('audio').paused", timeout=10_000)
    assert posted() == ["链接：政务公开"]
    page.hover("main img")
    deadline = time.monotonic() + 5
    while "图片：江北区政府网站标识" not in posted() and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert "图片：江北区政府网站标识" in posted()
    page.focus("#q")  # keyboard focus reads too, with the field's type and label
    deadline = time.monotonic() + 5
    while "文本输入框：站内搜索" not in posted() and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert "文本输入框：站内搜索" in posted()
    page.hover("nav a >> nth=1")  # cached: no second request for the same text
    page.wait_for_timeout(600)
    assert posted().count("链接：政务公开") == 1
    page.focus("#launcher")  # the widget's own controls are never 指读 targets
    page.wait_for_timeout(400)
    assert not any(text.startswith("按钮：语音播报") for text in posted())


def test_read_selection(page: Any, servers: Servers) -> None:
    requests = open_host(page, servers)
    page.evaluate("() => getSelection().selectAllChildren(document.querySelectorAll('article p')[2])")
    selected = page.evaluate("() => getSelection().toString().trim()")
    page.click("#launcher")
    wait_playing(page)
    page.click("#selection")
    page.wait_for_function(f"(t) => {SHADOW}.getElementById('captiontext').textContent.length > 0 && "
                           "[...document.querySelectorAll('article p')][2].textContent.includes("
                           f"{SHADOW}.getElementById('captiontext').textContent.slice(0, 5))", arg=None)
    texts = [json.loads(r.post_data).get("text") for r in requests if r.method == "POST"]
    assert selected in texts
    wait_playing(page)


def test_sound_switch_persists_and_shortcuts_skip_inputs(page: Any, servers: Servers) -> None:
    open_host(page, servers)
    page.focus("#q")
    page.keyboard.press("Alt+5")
    assert page.get_attribute("#sound", "aria-pressed") == "true", "no shortcut fires inside a text field"
    page.focus("nav a")
    page.keyboard.press("Alt+5")
    assert page.get_attribute("#sound", "aria-pressed") == "false"
    page.reload()
    page.wait_for_function("() => window.Bobao && document.querySelector('.bobao-widget-host')")
    assert page.get_attribute("#sound", "aria-pressed") == "false", "声音开关 persists"
    page.click("#launcher")
    page.wait_for_timeout(1500)
    assert page.evaluate(AUDIO)["paused"], "with the sound off nothing speaks"
    page.keyboard.press("Alt+0")  # 重置
    assert page.get_attribute("#sound", "aria-pressed") == "true"
    assert page.get_attribute("#sound", "aria-keyshortcuts") == "Alt+5"


def test_shortcut_help_dialog_remaps_and_returns_focus(page: Any, servers: Servers) -> None:
    open_host(page, servers)
    page.click("#launcher")
    page.click("#help")
    assert page.evaluate(f"{SHADOW}.getElementById('dialog').open")
    page.select_option("#key-point", "3")
    assert page.get_attribute("#point", "aria-keyshortcuts") == "Alt+3"
    page.keyboard.press("Escape")
    assert not page.evaluate(f"{SHADOW}.getElementById('dialog').open")
    assert active_id(page) == "help"
    page.keyboard.press("Alt+3")
    assert page.get_attribute("#point", "aria-pressed") == "true"
    page.keyboard.press("Alt+7")  # no longer bound
    assert page.get_attribute("#point", "aria-pressed") == "true"


def test_spa_api_destroy_init_rescan(page: Any, servers: Servers) -> None:
    open_host(page, servers)
    page.evaluate("() => Bobao.destroy()")
    assert page.locator(".bobao-widget-host").count() == 0
    assert page.evaluate("document.adoptedStyleSheets.length") == 0
    page.evaluate("() => Bobao.init({selector: 'article'})")
    assert page.locator(".bobao-widget-host").count() == 1
    page.click("#launcher")
    wait_playing(page)
    page.evaluate("() => Bobao.rescan()")
    assert page.evaluate(STATE)["active"] is False
    assert page.evaluate("CSS.highlights.size") == 0


def test_scrolling_pauses_follow_and_toolbar_collapses(page: Any, servers: Servers) -> None:
    open_host(page, servers)
    page.click("#launcher")
    wait_playing(page)
    assert not page.is_visible("#back")
    page.mouse.move(600, 300)
    page.mouse.wheel(0, 1500)  # the user scrolls away: following stops, a way back appears
    page.locator("#back").wait_for(state="visible")
    page.wait_for_timeout(700)
    out = page.evaluate("""() => { const h = CSS.highlights.get('bobao-current');
        const r = [...h][0].getBoundingClientRect(); return r.bottom < 0 || r.top > innerHeight; }""")
    assert out, "after the user scrolls away, the page is not pulled back while following is paused"
    page.click("#back")
    assert not page.is_visible("#back")
    # 回到朗读位置 scrolls the highlighted sentence back into view (smoothly, so wait for it)
    page.wait_for_function("""() => { const h = CSS.highlights.get('bobao-current');
        const r = [...h][0].getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; }""",
                           timeout=5_000)
    page.click("#collapse")
    assert page.get_attribute("#collapse", "aria-expanded") == "false"
    assert not page.is_visible("#point") and page.is_visible("#play") and page.is_visible("#exit")
    page.reload()
    page.wait_for_function("() => window.Bobao && document.querySelector('.bobao-widget-host')")
    page.click("#launcher")
    assert not page.is_visible("#point"), "the collapsed state stays collapsed"
    page.click("#collapse")
    assert page.is_visible("#point")
