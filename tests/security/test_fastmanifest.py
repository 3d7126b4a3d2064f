"""The finished-manifest fast path answers like the Flask route: body, ETags, 304s, gzip, CORS."""

from __future__ import annotations

import gzip

import pytest
from werkzeug.test import Client

from tests.web.conftest import make_app
from web.fastmanifest import ManifestFastPath

ALLOWED = "https://www.example.gov.cn"
TEXT = "区政府通知\n\n" + "第一句话说得很清楚。第二句话更长一些，用来凑够压缩的长度。" * 4


class Counting:
    """The Flask app, counting the requests that reach it."""

    def __init__(self, app):
        self.app, self.calls = app, 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("fastmanifest"), API_ALLOWED_ORIGINS=[ALLOWED])
    doc_id = app.test_client().post("/api/documents?wait=1", json={"text": TEXT}).json["id"]
    assert app.test_client().get(f"/api/documents/{doc_id}").status_code == 200  # Flask sees it finished
    inner = Counting(app)
    yield Client(ManifestFastPath(inner, app)), app.test_client(), inner, f"/api/documents/{doc_id}"
    app.extensions["bobao"].jobs.shutdown()


def _same(fast, slow):
    assert fast.status_code == slow.status_code
    assert fast.data == slow.data or gzip.decompress(fast.data) == gzip.decompress(slow.data)
    drop = {"Date"}
    assert {k: v for k, v in fast.headers.items() if k not in drop} == {
        k: v for k, v in slow.headers.items() if k not in drop
    }


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Accept-Encoding": "gzip, deflate, br"},
        {"Origin": ALLOWED},
        {"Origin": ALLOWED, "Accept-Encoding": "gzip"},
        {"Origin": "https://evil.example"},
    ],
    ids=["plain", "gzip", "cors", "cors-gzip", "foreign-origin"],
)
def test_answers_like_flask_without_reaching_it(setup, headers):
    fast_client, flask_client, inner, path = setup
    before = inner.calls
    fast = fast_client.get(path + "?at=3", buffered=True, headers=headers)
    assert inner.calls == before, "answered by the fast path"
    _same(fast, flask_client.get(path + "?at=3", headers=headers))
    assert fast.status_code == 200 and fast.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("encoding", ["", "gzip"])
def test_pollers_get_304_for_either_etag(setup, encoding):
    fast_client, flask_client, inner, path = setup
    first = fast_client.get(path, buffered=True, headers={"Accept-Encoding": encoding})
    again = {"If-None-Match": first.headers["ETag"], "Accept-Encoding": encoding}
    fast = fast_client.get(path, buffered=True, headers=again)
    assert fast.status_code == 304 and fast.data == b""
    _same(fast, flask_client.get(path, headers=again))
    stale = {"If-None-Match": '"0123"', "Accept-Encoding": encoding}
    assert fast_client.get(path, buffered=True, headers=stale).status_code == 200


@pytest.mark.parametrize(
    ("method", "path_of", "headers"),
    [
        ("HEAD", lambda p: p, {}),
        ("GET", lambda p: "/api/documents/0123456789abcdef01234567", {}),
        ("GET", lambda p: p + "/caption", {}),
        ("GET", lambda p: p, {"X-Forwarded-Proto": "https"}),
    ],
    ids=["head", "unknown-document", "other-route", "proxied"],
)
def test_everything_else_goes_to_flask(setup, method, path_of, headers):
    fast_client, flask_client, inner, path = setup
    before = inner.calls
    fast = fast_client.open(path_of(path), method=method, buffered=True, headers=headers)
    assert inner.calls == before + 1
    assert fast.status_code == flask_client.open(path_of(path), method=method, headers=headers).status_code


def test_an_unfinished_document_goes_to_flask(tmp_path):
    app = make_app(tmp_path, TTS_ENGINE="slowfake")
    doc_id = app.test_client().post("/api/documents", json={"text": "一句很短的话。"}).json["id"]
    inner = Counting(app)
    response = Client(ManifestFastPath(inner, app)).get(f"/api/documents/{doc_id}", buffered=True)
    assert inner.calls == 1 and response.json["status"] in ("pending", "synthesizing", "ready")
    app.extensions["bobao"].jobs.shutdown()
