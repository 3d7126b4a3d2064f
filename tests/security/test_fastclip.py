"""The clip fast path answers like the Flask route: bytes, ranges, 304s, CORS, headers; else defers."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from tests.web.conftest import make_app
from web.fastclip import ClipFastPath

ALLOWED = "https://www.example.gov.cn"


@pytest.fixture(scope="module")
def clients(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("fast"), API_ALLOWED_ORIGINS=[ALLOWED])
    manifest = (
        app.test_client().post("/api/documents?wait=1", json={"text": "第一句话。第二句话更长一些。"}).json
    )
    clip = manifest["sections"][0]["sentences"][1]["clip"]
    yield Client(ClipFastPath(app)), app.test_client(), clip
    app.extensions["bobao"].jobs.shutdown()


def both(clients, path, **kwargs):
    fast, flask, _ = clients
    return fast.get(path, buffered=True, **kwargs), flask.get(path, **kwargs)


def test_full_body_and_headers(clients):
    fast, slow = both(clients, clients[2])
    assert fast.status_code == slow.status_code == 200
    assert fast.data == slow.data and len(fast.data) > 1000
    assert fast.headers["Content-Type"] == "audio/mpeg" and fast.headers["Accept-Ranges"] == "bytes"
    assert (
        "immutable" in fast.headers["Cache-Control"] and "max-age=31536000" in fast.headers["Cache-Control"]
    )
    assert fast.headers["X-Content-Type-Options"] == "nosniff"
    assert fast.headers["ETag"] == f'"{clients[2].rsplit("/", 1)[1][:-4]}"'


@pytest.mark.parametrize("spec", ["bytes=0-99", "bytes=100-", "bytes=-144", "bytes=10-10"])
def test_ranges_match_flask(clients, spec):
    fast, slow = both(clients, clients[2], headers={"Range": spec})
    assert fast.status_code == slow.status_code == 206
    assert fast.data == slow.data
    assert fast.headers["Content-Range"] == slow.headers["Content-Range"]
    assert fast.headers["Content-Length"] == str(len(fast.data))


@pytest.mark.parametrize("spec", ["bytes=999999-", "bytes=0-1,5-9", "bogus"])
def test_unusual_ranges_are_left_to_flask(clients, spec):
    fast, slow = both(clients, clients[2], headers={"Range": spec})
    assert fast.status_code == slow.status_code
    assert fast.data == slow.data


def test_not_modified(clients):
    fast_client = clients[0]
    etag = fast_client.get(clients[2], buffered=True).headers["ETag"]
    again = fast_client.get(clients[2], buffered=True, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


def test_if_modified_since(clients):
    fast_client = clients[0]
    modified = fast_client.get(clients[2], buffered=True).headers["Last-Modified"]
    assert (
        fast_client.get(clients[2], buffered=True, headers={"If-Modified-Since": modified}).status_code == 304
    )
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert fast_client.get(clients[2], buffered=True, headers={"If-Modified-Since": old}).status_code == 200


def test_head(clients):
    response = clients[0].head(clients[2], buffered=True)
    assert (
        response.status_code == 200
        and response.data == b""
        and int(response.headers["Content-Length"]) > 1000
    )


def test_cors(clients):
    fast, slow = both(clients, clients[2], headers={"Origin": ALLOWED})
    assert (
        fast.headers["Access-Control-Allow-Origin"] == slow.headers["Access-Control-Allow-Origin"] == ALLOWED
    )
    assert "Content-Range" in fast.headers["Access-Control-Expose-Headers"]
    foreign, _ = both(clients, clients[2], headers={"Origin": "https://evil.example.com"})
    assert "Access-Control-Allow-Origin" not in foreign.headers


@pytest.mark.parametrize(
    "path",
    [
        "/audio/" + "0" * 64 + ".mp3",
        "/audio/../../etc/passwd.mp3",
        "/audio/xyz.mp3",
        "/audio/" + "A" * 64 + ".mp3",
    ],
)
def test_missing_or_malformed_go_to_flask(clients, path):
    fast, slow = both(clients, path)
    assert fast.status_code == slow.status_code == 404
    assert fast.json == slow.json
