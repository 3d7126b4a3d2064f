"""The widget embedded the documented way (one <script> before </body>) on real-template pages.

One fixture page per template family (tests/browser/pages/): an old table layout with a 信息公开 box
that repeats the title, a GBK page, Word-pasted spans with inline skip markup, a data table, a mobile
H5 page with the title in a header band, a modern article. On each, broadcast mode is stepped
through every sentence with 下一句 (paused) and the host-page highlight must cover exactly that
sentence's source: its text (skipped markup left out), or the cells of its table row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Servers
from tests.browser.conftest import _ServerThread
from tests.browser.conftest import run_axe

pytestmark = pytest.mark.browser

PAGES_DIR = Path(__file__).parent / "pages"
FAMILIES = ["old-table", "gbk", "word", "data-table", "mobile", "modern", "title-below"]
SHADOW = "document.querySelector('.bobao-widget-host').shadowRoot"
SITE_CSS = ("body{font-family:sans-serif;font-size:18px;line-height:1.8;margin:0 auto;max-width:60rem;"
            "padding:8px}td{vertical-align:top}.content p,.TRS_Editor p{margin:0 0 1.2em}")
# Each highlighted range: its text, whether it is a whole table cell (and that row's cells), and
# whether it sits in a heading or title element, or in the 信息公开 box.
RANGES = """() => { const h = CSS.highlights.get('bobao-current'); if (!h) return null;
  return [...h].map((r) => { const c = r.commonAncestorContainer;
    const el = c.nodeType === 1 ? c : c.parentElement; const cell = el.closest('td,th');
    const whole = !!cell && r.startContainer === cell && r.endContainer === cell && r.startOffset === 0
      && r.endOffset === cell.childNodes.length;
    const row = whole ? cell.parentElement : null;
    return {text: r.toString(), whole: whole,
      row: row ? [...document.querySelectorAll('tr')].indexOf(row) : -1,
      cells: row ? [...row.cells].map((x) => x.textContent.trim()).filter(Boolean) : [],
      titled: !!el.closest('h1,h2,[class*=title]'), meta: !!el.closest('.xxgk')}; }); }"""
IN_VIEW = f"""() => {{ const h = CSS.highlights.get('bobao-current'); if (!h) return false;
  const rects = [...h].map((r) => r.getBoundingClientRect());
  const top = Math.min(...rects.map((r) => r.top)), bottom = Math.max(...rects.map((r) => r.bottom));
  return top >= 0 && bottom <= {SHADOW}.getElementById('panel').getBoundingClientRect().top; }}"""


def squash(text: str) -> str:
    return "".join(text.split())


def pages_app(bobao: str) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path = environ.get("PATH_INFO", "/")
        text = ""
        if path == "/site.css":
            body, ctype = SITE_CSS.encode(), "text/css; charset=utf-8"
        elif path.endswith(".html") and (PAGES_DIR / path.lstrip("/")).is_file():
            text = (PAGES_DIR / path.lstrip("/")).read_text(encoding="utf-8").replace("__BOBAO__", bobao)
            if "huge=1" in environ.get("QUERY_STRING", ""):  # a mega-menu: over the widget's send limit
                links = "".join(f'<a href="/l/{i}">栏目链接第{i}项</a> ' for i in range(6000))
                text = text.replace("<body>", f'<body>\n<div class="megamenu">{links}</div>', 1)
            if "engine=slowfake" in environ.get("QUERY_STRING", ""):
                text = text.replace('data-rate="1"', 'data-rate="1" data-engine="slowfake"')
            gbk = "charset=gb2312" in text
            body = text.encode("gbk" if gbk else "utf-8")
            ctype = "text/html" + ("" if gbk else "; charset=utf-8")  # GBK: the page's <meta> says so
        else:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        # Word-pasted pages carry style attributes: that page's CSP allows them (the widget adds none).
        styles = "'self' 'unsafe-inline'" if "MsoNormal" in text else "'self'"
        csp = (f"default-src 'self'; script-src 'self' {bobao}; connect-src 'self' {bobao}; "
               f"media-src {bobao}; style-src {styles}; img-src 'self' data:")
        start_response("200 OK", [("Content-Type", ctype), ("Content-Security-Policy", csp),
                                  ("Cache-Control", "no-store")])
        return [body]

    return app


@pytest.fixture(scope="module")
def pages(servers: Servers) -> Iterator[str]:
    """A third origin serving the fixture pages, allowed by the Bobao app for this module only."""
    thread = _ServerThread(pages_app(servers.bobao))
    allowed = servers.app.config["API_ALLOWED_ORIGINS"]
    allowed.append(thread.origin)
    yield thread.origin
    allowed.remove(thread.origin)
    thread.stop()


def open_page(page: Any, url: str) -> None:
    page.emulate_media(reduced_motion="reduce")
    page.goto(url)
    page.wait_for_function("() => window.Bobao && document.querySelector('.bobao-widget-host')")


def enter_paused(page: Any) -> list[dict[str, Any]]:
    """Open broadcast mode, pause, go back to sentence 0; the manifest's sentences."""
    created = lambda r: r.url.endswith("/api/documents") and r.request.method == "POST"  # noqa: E731
    with page.expect_response(created) as info:
        page.click("#launcher")
    manifest = info.value.json()
    page.wait_for_function(f"() => {{ const a = {SHADOW}.getElementById('audio'); "
                           "return !a.paused && a.currentTime > 0.05; }", timeout=15_000)
    page.click("#play")
    page.wait_for_function(f"() => {SHADOW}.getElementById('status').textContent === '已暂停'")
    while page.evaluate("Bobao.state().index") > 0:
        page.click("#prev")
    sentences = [s for section in manifest["sections"] for s in section["sentences"]]
    assert sentences[0]["text"] == manifest["title"], "broadcast mode reads the title first"
    return sentences


def covers_its_source(sentence: dict[str, Any], ranges: list[dict[str, Any]] | None, first: bool) -> bool:
    if not ranges:
        return False
    if first:  # the title heading itself, never the 标题 cell of the 信息公开 box
        return squash("".join(r["text"] for r in ranges)) == squash(sentence["text"]) and all(
            r["titled"] and not r["meta"] for r in ranges)
    if re.match(r"^第\d+行：", sentence["text"]):
        rows = {r["row"] for r in ranges}
        texts = [squash(r["text"]) for r in ranges]
        cells = [squash(c) for c in ranges[0]["cells"]]
        return (all(r["whole"] for r in ranges) and len(rows) == 1 and texts == cells
                and all(t in squash(sentence["text"]) for t in texts))
    shown = re.sub(r"^\d+\.\s*", "", sentence["text"])  # an <ol> number is drawn by the browser, not text
    return squash("".join(r["text"] for r in ranges)) == squash(shown) and not any(r["meta"] for r in ranges)


@pytest.mark.parametrize("family", [*FAMILIES, "data-table.html?huge=1"])
def test_every_sentence_is_highlighted_exactly_at_its_source(page: Any, servers: Servers, pages: str,
                                                             family: str) -> None:
    open_page(page, f"{pages}/{family}" + ("" if "?" in family else ".html"))
    before = page.evaluate("document.body.outerHTML")
    sentences = enter_paused(page)
    covered, mismatched = 0, []
    for i, sentence in enumerate(sentences):
        if i:
            page.click("#next")
        assert page.evaluate("Bobao.state().index") == i
        progress = page.evaluate(f"{SHADOW}.getElementById('progress').textContent")
        assert progress == f"第 {i + 1} 句，共 {len(sentences)} 句", "the counter follows 下一句 while paused"
        ranges = page.evaluate(RANGES)
        if covers_its_source(sentence, ranges, first=i == 0):
            covered += 1
            page.wait_for_function(IN_VIEW, timeout=3_000)  # scrolled into view above the toolbar
        else:
            mismatched.append((sentence["text"], ranges))
    print(f"{family}: highlight coverage {covered}/{len(sentences)}")  # noqa: T201 - the measured figure
    assert not mismatched, mismatched
    assert covered == len(sentences)
    page.click("#exit")
    assert page.evaluate("CSS.highlights.size") == 0
    assert page.evaluate("document.body.outerHTML") == before, "the host DOM is restored byte for byte"


def test_default_place_is_by_the_title_early_in_the_tab_order(page: Any, pages: str) -> None:
    open_page(page, f"{pages}/old-table.html")
    place = page.evaluate("""() => { const host = document.querySelector('.bobao-widget-host');
        const title = document.querySelector('td.title');
        return {afterTitle: !!(title.compareDocumentPosition(host) & Node.DOCUMENT_POSITION_FOLLOWING),
                beforeText: !!(host.compareDocumentPosition(document.querySelector('#zoom p'))
                               & Node.DOCUMENT_POSITION_FOLLOWING),
                top: host.getBoundingClientRect().top, height: innerHeight}; }""")
    assert place["afterTitle"] and place["beforeText"], place
    assert 0 <= place["top"] < place["height"], "visible on load, not after the footer"
    own = "() => [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href'))"
    focus_order = page.evaluate(own)
    # The first Tab stop is the skip link; it names the shortcut and leads to the button.
    page.keyboard.press("Tab")
    skip = page.evaluate("() => { const r = document.querySelector('.bobao-skip-host').shadowRoot;"
                         " return r.activeElement ? r.activeElement.textContent : ''; }")
    assert "语音播报" in skip and "Alt+Shift+Y" in skip
    page.keyboard.press("Enter")
    assert page.evaluate(f"({SHADOW}.activeElement || {{}}).id") == "launcher"
    launcher = f"{SHADOW}.getElementById('launcher')"
    assert page.evaluate(f"{launcher}.getAttribute('aria-keyshortcuts')") == "Alt+Shift+Y"
    assert page.evaluate(own) == focus_order, "the page's own focus order is untouched"
    # The shortcut works from anywhere on the page.
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("Alt+Shift+Y")
    page.wait_for_function(f"() => {launcher}.getAttribute('aria-expanded') === 'true'")


def test_operators_can_still_mount_it_anywhere(page: Any, pages: str) -> None:
    open_page(page, f"{pages}/modern.html")
    page.evaluate("""() => { Bobao.destroy(); const box = document.createElement('div'); box.id = 'tools';
        document.querySelector('nav').append(box); Bobao.init({mount: '#tools'}); }""")
    assert page.evaluate("document.querySelector('#tools > .bobao-widget-host') !== null")


@pytest.mark.bypass_csp
def test_compact_bar_on_a_phone_is_two_rows_and_all_reachable(page: Any, pages: str, axe_path: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    open_page(page, f"{pages}/mobile.html")
    page.click("#launcher")
    page.wait_for_function(f"() => {SHADOW}.getElementById('status').textContent.length > 0")
    rows = page.evaluate(f"""() => {{ const panel = {SHADOW}.getElementById('panel');
        const tops = new Set([...panel.querySelectorAll('.row > button, .row > .field, .row > .more')]
            .filter((el) => el.offsetParent !== null)
            .map((el) => Math.round(el.getBoundingClientRect().top / 16)));  // a row: same top within 16 px
        const seen = [...panel.querySelectorAll('.row > *')].filter((el) => el.offsetParent !== null)
            .map((el) => [el.id || el.className, Math.round(el.getBoundingClientRect().top),
                          Math.round(el.getBoundingClientRect().width)]);
        return {{rows: tops.size, height: panel.getBoundingClientRect().height, seen: seen}}; }}""")
    assert rows["rows"] <= 2 and rows["height"] <= 844 * 0.2, rows
    names = ["play", "prev", "next", "rate", "more"]
    visible = page.evaluate(f"(ids) => ids.filter((id) => {SHADOW}.getElementById(id).offsetParent !== null)",
                            names)
    assert visible == names
    # 更多 opens the rest by keyboard; every control in it can be reached with Tab.
    page.focus("#more")
    page.keyboard.press("Enter")
    assert page.get_attribute("#more", "aria-expanded") == "true"
    seen = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        seen.add(page.evaluate(f"({SHADOW}.activeElement || {{}}).id || ''"))
    assert {"stop", "caption", "cont", "exit", "help"} <= seen, seen
    page.keyboard.press("Escape")
    assert page.get_attribute("#more", "aria-expanded") == "false"
    assert run_axe(page, axe_path) == []


def test_waiting_for_synthesis_says_so_and_never_offers_pause_over_silence(page: Any, pages: str) -> None:
    open_page(page, f"{pages}/gbk.html?engine=slowfake")
    # Sample the widget's state every few milliseconds, from the press until the third sentence plays.
    page.evaluate(f"""() => {{ window.samples = []; setInterval(() => {{ const r = {SHADOW};
        window.samples.push({{waiting: Bobao.state().waiting,
            label: r.querySelector('#play .label').textContent,
            status: r.getElementById('status').textContent,
            silent: r.getElementById('audio').paused}}); }}, 5); }}""")
    page.click("#launcher")
    page.wait_for_function("() => Bobao.state().index >= 2 && !Bobao.state().waiting", timeout=60_000)
    samples = page.evaluate("window.samples")
    waiting = [s for s in samples if s["waiting"]]
    assert waiting, "the slow engine made the listener wait at least once"
    assert all(s["label"] != "暂停" for s in waiting), "no 暂停 button over silence"
    assert any(s["status"].startswith("语音合成中") for s in waiting)
    assert any(s["label"] == "暂停" and not s["silent"] for s in samples), "暂停 once sound plays"


def without_places(route: Any) -> None:
    """The server's answer with every sentence's places removed: the widget must match text alone."""
    if route.request.method != "POST":
        route.continue_()
        return
    response = route.fetch()
    manifest = response.json()
    for section in manifest["sections"]:
        for sentence in section["sentences"]:
            sentence.pop("where", None)
    cors = {"Access-Control-Allow-Origin": route.request.headers.get("origin", "*")}
    route.fulfill(status=response.status, headers=cors, json=manifest)


@pytest.mark.parametrize("family", ["old-table", "word", "modern", "title-below"])
def test_without_server_places_text_matching_is_never_wrong(page: Any, pages: str, family: str) -> None:
    """The fallback skips what the server skips (inline data-tts-skip, .sr-only), finds the title's
    heading rather than its 标题 cell, and does not lose its place when order differs."""
    page.route("**/api/documents", without_places)
    open_page(page, f"{pages}/{family}.html")
    sentences = enter_paused(page)
    assert not any("where" in s for s in sentences)
    mismatched = []
    for i, sentence in enumerate(sentences):
        if i:
            page.click("#next")
        if not covers_its_source(sentence, page.evaluate(RANGES), first=i == 0):
            mismatched.append(sentence["text"])
    assert mismatched == []


def test_focus_starts_the_work_and_the_press_only_plays(page: Any, servers: Servers, pages: str) -> None:
    posts: list[Any] = []
    page.on("request", lambda r: posts.append(r) if r.method == "POST" else None)
    open_page(page, f"{pages}/data-table.html")
    page.wait_for_timeout(300)
    assert posts == [], "nothing is asked of the server for a page nobody opens"
    page.focus("#launcher")
    page.wait_for_function("() => performance.getEntriesByType('resource')"
                           ".some((e) => e.name.endsWith('/api/documents'))")
    assert page.evaluate(f"{SHADOW}.getElementById('audio').paused"), "focus never plays"
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => !{SHADOW}.getElementById('audio').paused")
    assert len(posts) == 1, "the press uses the reading that focus started"


def test_a_page_changed_after_sending_is_never_highlighted_wrongly(page: Any, pages: str) -> None:
    open_page(page, f"{pages}/modern.html")
    created = lambda r: r.url.endswith("/api/documents") and r.request.method == "POST"  # noqa: E731
    with page.expect_response(created) as info:
        page.focus("#launcher")  # the page is sent now …
        # … and a script then changes it: every server offset in this paragraph is now 4 off.
        page.evaluate("() => document.querySelector('article p:not(.date)').prepend('（更新）')")
    flat = [s["text"] for section in info.value.json()["sections"] for s in section["sentences"]]
    target = flat.index("原条例施行已满十年。")
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => !{SHADOW}.getElementById('audio').paused")
    page.click("#play")
    page.wait_for_function(f"() => {SHADOW}.getElementById('status').textContent === '已暂停'")
    while page.evaluate("Bobao.state().index") != target:
        page.click("#next" if page.evaluate("Bobao.state().index") < target else "#prev")
    lit = squash("".join(r["text"] for r in page.evaluate(RANGES) or []))
    assert lit == "原条例施行已满十年。"


DATE_LINES = [("old-table", "发布时间：2024-03-04"), ("gbk", "日期：2024-06-20")]


@pytest.mark.parametrize(("family", "line"), DATE_LINES)
def test_broadcast_reads_the_title_then_the_date_line_both_highlighted(page: Any, pages: str, family: str,
                                                                       line: str) -> None:
    """Issue 17: title, then the date line as the page shows it (without 来源), then the body."""
    open_page(page, f"{pages}/{family}.html")
    sentences = enter_paused(page)
    assert sentences[1]["text"] == line
    assert "where" in sentences[1], "the server located the date line"
    title = page.evaluate(RANGES)
    assert covers_its_source(sentences[0], title, first=True), title
    page.click("#next")
    assert page.evaluate("Bobao.state().index") == 1
    lit = page.evaluate(RANGES)
    assert lit is not None and squash("".join(r["text"] for r in lit)) == line, lit
