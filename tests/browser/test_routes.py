"""The player blueprint's HTTP surface, without a browser: pages, widget.js headers, CSP-clean markup."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.fakes import register_fake
from web import create_app


@pytest.fixture
def app(tmp_path: Path) -> Any:
    register_fake()
    app = create_app({
        "TESTING": True, "TTS_ENGINE": "fake", "EXTRA_ENGINES": "fake=tests.fakes:create",
        "INSTANCE_PATH": str(tmp_path / "instance"), "AUDIO_CACHE_DIR": str(tmp_path / "audio"),
        "DOCUMENT_DIR": str(tmp_path / "documents"), "RATE_LIMIT": "off",
    })
    yield app
    app.extensions["bobao"].jobs.shutdown()


def test_widget_js_is_one_cacheable_script_with_its_css_inlined(app: Flask) -> None:
    client = app.test_client()
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "max-age=" in response.headers["Cache-Control"] and "public" in response.headers["Cache-Control"]
    body = response.get_data(as_text=True)
    assert "__BOBAO_WIDGET_CSS__" not in body
    css = (Path(app.root_path) / "static" / "widget.css").read_text(encoding="utf-8")
    assert ".launcher" in css and "\\n" in body  # the stylesheet travels inside the script, JSON-escaped
    assert "eval(" not in body and "new Function" not in body
    again = client.get("/widget.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_player_script_is_the_core_and_the_player_assembled(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    assert '<script src="/player.js" defer></script>' in page
    response = client.get("/player.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    assert "// ---- core/queue.js ----" in body and "// ---- player.js ----" in body
    assert "core/exports.js" not in body and "window.BobaoCore" not in body
    assert client.get("/player.js", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_scripts_are_sent_gzipped_once_compressed_when_the_browser_accepts_it(app: Flask) -> None:
    client = app.test_client()
    for path in ("/widget.js", "/player.js"):
        plain = client.get(path)
        zipped = client.get(path, headers={"Accept-Encoding": "gzip, deflate"})
        assert "Content-Encoding" not in plain.headers and zipped.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped.get_data()) == plain.get_data()
        assert "Accept-Encoding" in zipped.headers["Vary"] and "Accept-Encoding" in plain.headers["Vary"]
        again = client.get(path, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]})
        assert again.status_code == 304
        assert zipped.headers["Cache-Control"] == plain.headers["Cache-Control"]


def test_widget_makes_no_third_party_references(app: Flask) -> None:
    # The served script: the shared core, the widget's parts and its UI, assembled by web/jsbundle.py.
    source = app.test_client().get("/widget.js").get_data(as_text=True)
    # Only the script's own origin is contacted: no absolute URLs besides the SVG namespace-free markup.
    assert re.findall(r"https?://[^\s\"'`]+", source) == []


def test_pages_are_chinese_landmarked_and_free_of_inline_script(app: Flask) -> None:
    client = app.test_client()
    for path in ("/", "/d/" + "a" * 24):
        response = client.get(path)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert '<html lang="zh-CN">' in html
        assert 'class="skip-link" href="#main"' in html and '<main id="main"' in html
        inline_script = re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert inline_script is None, "no inline script (CSP script-src 'self')"
        assert " style=" not in html, "no inline style attributes (CSP style-src 'self')"
    assert 'id="read-form"' in client.get("/").get_data(as_text=True)


def test_bad_document_ids_are_404(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/d/not-an-id").status_code == 404
    # An id is 24 hex digits everywhere (documents, routes, OpenAPI): shorter or longer hex is no id.
    assert client.get("/d/" + "a" * 23).status_code == 404
    assert client.get("/d/" + "a" * 25).status_code == 404
