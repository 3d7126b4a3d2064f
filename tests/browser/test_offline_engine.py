"""One end-to-end run with the real embedded voice (Kokoro, offline): a 2-sentence text played in Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import Servers
from tests.browser.conftest import _ServerThread
from tests.browser.conftest import wait_ready
from tests.web.conftest import make_app

pytestmark = pytest.mark.browser

TEXT = "离线语音测试\n\n欢迎使用播报。这是第二句话。"


@pytest.fixture(scope="module")
def offline_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    root = tmp_path_factory.mktemp("bobao-offline")
    app = make_app(root, TTS_ENGINE="offline", RATE_LIMIT="off")
    server = _ServerThread(app)
    yield Servers(bobao=server.origin, host=server.origin, app=app)
    server.stop()
    app.extensions["bobao"].jobs.shutdown()


def test_player_streams_and_plays_the_real_offline_voice(page: Any, offline_servers: Servers) -> None:
    page.goto(offline_servers.bobao + "/")
    page.fill("#text-input", TEXT)
    page.click("#read-form button[type=submit]")
    page.wait_for_selector("#doc-body .s")
    doc_id = page.url.rsplit("/", 1)[1]
    page.click("#play")  # streaming: plays the first clip as soon as it exists, before the page MP3
    page.wait_for_function("() => { const a = document.getElementById('audio'); return !a.paused && "
                           "a.currentTime > 0.3; }", timeout=180_000)
    manifest = wait_ready(offline_servers, doc_id, timeout_s=180)
    assert manifest["status"] == "ready" and manifest["engine"] == "offline"
    page.wait_for_selector("#download-page:not([hidden])", timeout=30_000)
    # The page MP3 decodes in the browser to about the manifest's length (real speech, not a stub).
    duration = page.evaluate("""async (url) => { const a = new Audio(url);
        await new Promise((ok, bad) => { a.onloadedmetadata = ok; a.onerror = bad; });
        return a.duration; }""",
                             manifest["audio"]["mp3"])
    assert duration * 1000 == pytest.approx(manifest["audio"]["duration_ms"], abs=300)
    assert duration > 1.5, "two spoken sentences last more than a second and a half"
