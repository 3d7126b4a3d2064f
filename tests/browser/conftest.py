"""Real-browser fixtures: the Bobao app and a host page on two loopback origins, and headless Chromium.

* ``bobao``: ``create_app`` on the tone engine (``tests/fakes.py``), demo loaded, served by Werkzeug
  on 127.0.0.1:<port A> in a thread.  ``API_ALLOWED_ORIGINS`` lists the host page's origin, so the
  widget's cross-origin POST /api/documents passes ``web/security.py``'s CORS gate.
* ``host``: a government-style article page on 127.0.0.1:<port B> (another origin) that embeds
  ``<script src="http://127.0.0.1:<A>/widget.js" data-selector="article">`` under a strict CSP.
* Chromium is Debian's ``/usr/bin/chromium`` (no ``playwright install``); axe-core comes from npm
  (``tests/browser/install_axe.sh``).  Tests skip with a reason when either is missing.
"""

from __future__ import annotations

import html
import itertools
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import BaseWSGIServer
from werkzeug.serving import make_server

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
CHROMIUM = os.environ.get("BOBAO_CHROMIUM", "/usr/bin/chromium")
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = HERE / "screenshots"
DEMO_TEXT = (ROOT / "web" / "demo" / "jiangbei-2023-fazhi-report.txt").read_text(encoding="utf-8")
BROWSER_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Nothing but loopback resolves: a page (or axe-core's help links) can never reach the internet.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
# How much of the sample page the host article carries: the title block and the first sections.
HOST_PARAGRAPHS = 9


@dataclass(frozen=True)
class Servers:
    bobao: str  # origin of the Bobao app, e.g. http://127.0.0.1:41234
    host: str  # origin of the page that embeds the widget
    app: Any


class _ServerThread:
    def __init__(self, app: Any) -> None:
        self.server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


def host_article_html() -> str:
    """The first part of the sample page as a government article: h1, date, h2/h3 headings, paragraphs."""
    lines = [line.strip() for line in DEMO_TEXT.splitlines() if line.strip()]
    title_at = next(i for i, line in enumerate(lines) if line.startswith("重庆市江北区2023年"))
    title, date = lines[title_at], lines[title_at + 1]
    body: list[str] = []
    for line in lines[title_at + 2:]:
        if line in ("语音播报", "语音合成中,请耐心等待...", "进入播报模式", "退出播报模式"):
            continue  # the scraped page's own toolbar labels
        if len(body) >= HOST_PARAGRAPHS:
            break
        if line.startswith(("一、", "二、", "三、")):
            body.append(f"<h2>{html.escape(line)}</h2>")
        elif line.startswith("("):
            body.append(f"<h3>{html.escape(line)}</h3>")
        else:
            body.append(f"<p>{html.escape(line)}</p>")
    return (
        f"<h1>{html.escape(title)}</h1>\n<p class=\"date\">{html.escape(date)}</p>\n" + "\n".join(body)
    )


def host_page(bobao: str, extra_script_attrs: str = "", tail: str = "") -> str:
    return f"""<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>重庆市江北区2023年法治政府建设情况报告 - 江北区人民政府</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="/site.css"></head>
<body>
<header><nav aria-label="主导航">
<a href="/">首页</a> <a href="/gk">政务公开</a> <a href="/fw">政务服务</a></nav>
<form role="search" action="/search"><label for="q">站内搜索</label> <input id="q" name="q" type="search">
<button type="submit">搜索</button></form></header>
<main>
<p class="tools"><script src="{bobao}/widget.js" data-selector="article" data-rate="1"{extra_script_attrs}>
</script></p>
<article>
{host_article_html()}{tail}
</article>
<p><img src="/logo.svg" alt="江北区政府网站标识" width="48" height="48"></p>
</main>
<footer><p>主办单位：重庆市江北区人民政府办公室</p></footer>
</body></html>"""


SITE_CSS = """body{font-family:sans-serif;font-size:18px;line-height:1.8;max-width:52rem;margin:0 auto;
padding:1rem;
color:#1a1a1a;background:#fff}a{color:#0b4f9c}h1{font-size:1.6rem}.date{color:#4a4a4a}"""
LOGO_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48">'
            '<rect width="48" height="48" fill="#b00"/></svg>')


def make_host_app(get_bobao_origin: Any) -> Any:
    """A WSGI app for the host origin, with a strict CSP that allows only itself and Bobao."""
    fresh = itertools.count(1)

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path = environ.get("PATH_INFO", "/")
        bobao = get_bobao_origin()
        if path == "/site.css":
            body, ctype = SITE_CSS.encode(), "text/css; charset=utf-8"
        elif path == "/logo.svg":
            body, ctype = LOGO_SVG.encode(), "image/svg+xml"
        elif path in ("/article", "/article-large", "/article-new", "/article-slow", "/article-clauses"):
            extra = {"/article-large": ' data-large="true"', "/article-slow": ' data-engine="slowfake"',
                     "/article-clauses": ' data-engine="clausefake"'}
            # /article-new: a page nobody has read yet (new last line), so the widget waits for synthesis
            tail = f"\n<p>本页是第{next(fresh)}次新发布的页面。</p>" if path == "/article-new" else ""
            page = host_page(bobao, extra.get(path, ""), tail)
            if path == "/article-slow":  # a slow engine and a new title: it is spoken in pieces
                page = page.replace("<h1>", f"<h1>第{next(fresh)}期：", 1)
            body, ctype = page.encode(), "text/html; charset=utf-8"
        else:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        csp = (f"default-src 'self'; script-src 'self' {bobao}; connect-src 'self' {bobao}; "
               f"media-src {bobao}; style-src 'self'; img-src 'self' data:")
        start_response("200 OK", [("Content-Type", ctype), ("Content-Security-Policy", csp),
                                  ("Cache-Control", "no-store")])
        return [body]

    return app


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    from tests.fakes import register_fake
    from web import create_app

    register_fake()
    origin: dict[str, str] = {}
    host = _ServerThread(make_host_app(lambda: origin["bobao"]))
    root = tmp_path_factory.mktemp("bobao-browser")
    app = create_app({
        "TESTING": True,
        "TTS_ENGINE": "fake",
        "EXTRA_ENGINES": "fake=tests.fakes:create,slowfake=tests.fakes:create_slow,"
                         "clausefake=tests.fakes:create_clauses",
        "INSTANCE_PATH": str(root / "instance"),
        "AUDIO_CACHE_DIR": str(root / "audio"),
        "DOCUMENT_DIR": str(root / "documents"),
        "API_ALLOWED_ORIGINS": [host.origin],
        "LOAD_DEMO": True,
        "JOB_QUEUE_SIZE": 64,
        "RATE_LIMIT": "off",
    })
    bobao = _ServerThread(app)
    origin["bobao"] = bobao.origin
    found = Servers(bobao=bobao.origin, host=host.origin, app=app)
    # The demo job runs first on the single worker; let it finish so the widget's jobs start at once.
    wait_ready(found, demo_id(found))
    yield found
    bobao.stop()
    host.stop()
    app.extensions["bobao"].jobs.shutdown()


def _missing(reason: str) -> None:
    """Skip on a developer machine without the tool; fail in CI, where the install script provides it."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must install it (scripts/install.sh --test)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        _missing(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    # axe is injected as an inline script, which the host page's strict CSP (rightly) blocks: only the
    # axe tests bypass CSP; every other test runs under it, which is what proves the widget CSP-clean.
    bypass = request.node.get_closest_marker("bypass_csp") is not None
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True,
                              bypass_csp=bypass)
    ctx.set_default_timeout(15_000)
    outside: list[str] = []
    ctx.on("request", lambda r: outside.append(r.url) if _leaves_loopback(r.url) else None)
    yield ctx
    ctx.close()
    assert not outside, f"the page tried to reach beyond 127.0.0.1: {outside}"


def _leaves_loopback(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in ("127.0.0.1", "localhost")


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" and _ours(msg.text) else None)
    pg.js_errors = errors  # type: ignore[attr-defined]
    yield pg
    assert not errors, f"JavaScript errors in the page: {errors}"


def _ours(text: str) -> bool:
    return "favicon" not in text


@pytest.fixture(scope="session")
def axe_path() -> Path:
    if not AXE_JS.exists():
        script = HERE / "install_axe.sh"
        if shutil.which("npm"):
            subprocess.run(["bash", str(script)], check=False, timeout=180)
    if not AXE_JS.exists():
        _missing("axe-core not installed (run tests/browser/install_axe.sh)")
    return AXE_JS


def run_axe(page: Any, axe_path: Path, context: str | None = None) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page (open shadow roots included)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_path))
    result = page.evaluate(
        """async (ctx) => {
            const r = await axe.run(ctx ? {include: [[ctx]]} : document,
                {resultTypes: ['violations'], runOnly: {type: 'tag', values:
                 ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }""",
        context,
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def screenshot(page: Any, name: str, *, full_page: bool = False) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "bypass_csp: injects axe-core, so its browser context bypasses CSP")


def wait_ready(servers: Servers, doc_id: str, timeout_s: float = 60.0) -> dict[str, Any]:
    """Poll the app (in-process client) until the document is assembled."""
    import time

    client = servers.app.test_client()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        manifest = client.get(f"/api/documents/{doc_id}").get_json()
        if manifest["status"] in ("ready", "failed"):
            return manifest
        time.sleep(0.1)
    raise AssertionError(f"document {doc_id} was not ready in {timeout_s} s")


def demo_id(servers: Servers) -> str:
    doc_id = servers.app.extensions["bobao"].demo_id
    assert doc_id, "create_app(LOAD_DEMO=True) did not set services.demo_id"
    return doc_id


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The browser aborts range requests for audio mid-response; the test server's thread then drops
    the open MP3 file to the garbage collector, which pytest reports in whichever test runs next.
    That is the in-process werkzeug server's cleanup, not our code's (the same responses through the
    Flask test client elsewhere are checked with warnings as errors), so only here it is ignored."""
    here = Path(__file__).parent
    mark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(mark)
