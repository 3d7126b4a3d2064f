"""MAX_TEXT_CHARS holds for the text read from every route in: uploads, DOCX and fetched pages (item 4)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tests.reader.test_attachments import docx
from tests.reader.test_attachments import para
from tests.security.conftest import Route
from tests.security.conftest import public_alias
from tests.web.conftest import make_app

LIMIT = 5000
SENTENCE = "这是一句用来测试字数上限的话。"  # 15 characters


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path, MAX_TEXT_CHARS=LIMIT, RATE_LIMIT="off")
    yield app
    app.extensions["bobao"].jobs.shutdown()


def upload(client, data: bytes, filename: str):
    return client.post("/api/documents", json={"file": base64.b64encode(data).decode(), "filename": filename})


def assert_too_long(app, response):
    assert response.status_code == 413, response.get_data(as_text=True)
    assert response.json["error"]["code"] == "text_too_long"
    store = Path(app.config["DOCUMENT_DIR"])
    assert not store.exists() or not any(store.iterdir())


def test_text_file_upload_over_the_limit(app):
    text = (SENTENCE * 400)[: LIMIT + 6]
    assert_too_long(app, upload(app.test_client(), text.encode(), "通知.txt"))


def test_small_docx_that_expands_over_the_limit(app):
    body = "".join(para(SENTENCE * 10) for _ in range(40))  # 6,000 characters in a few KB
    data = docx(body)
    assert len(data) < 4000
    assert_too_long(app, upload(app.test_client(), data, "通知.docx"))


def test_fetched_page_over_the_limit(app, fakenet, site):
    site.routes["/long.txt"] = Route(
        headers={"Content-Type": "text/plain; charset=utf-8"}, body=(SENTENCE * 400).encode()
    )
    url = public_alias(fakenet, site.url("/long.txt"))
    assert_too_long(app, app.test_client().post("/api/documents", json={"url": url}))


def test_uploads_under_the_limit_are_read(app):
    response = upload(app.test_client(), (SENTENCE * 10).encode(), "通知.txt")
    assert response.status_code == 201
