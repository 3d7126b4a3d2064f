"""POST/GET /api/documents and /api/voices against the tone engine."""

from __future__ import annotations

import re

import pytest

from audio import mp3
from tests.security.conftest import fakenet  # noqa: F401 - a fixture
from tests.security.conftest import public_alias
from tests.web.conftest import SHORT_TEXT
from tests.web.conftest import Reader
from tests.web.conftest import make_app
from tests.web.conftest import spoken_sentences
from tests.web.test_openapi import validate

MANIFEST_KEYS = {
    "id",
    "title",
    "date",
    "source",
    "lang",
    "status",
    "engine",
    "voice",
    "rate",
    "progress",
    "audio",
    "sections",
}
SECTION_KEYS = {"index", "heading", "level", "mp3", "size_bytes", "start_ms", "end_ms", "sentences"}
SENTENCE_KEYS = {"id", "text", "spoken", "paragraph", "clip", "duration_ms", "start_ms", "end_ms"}


def test_post_answers_201_with_the_manifest_shape(client):
    response = client.post("/api/documents", json={"text": SHORT_TEXT})
    assert response.status_code == 201
    manifest = response.get_json()
    assert set(manifest) >= MANIFEST_KEYS
    assert re.fullmatch(r"[0-9a-f]{24}", manifest["id"])
    assert response.headers["Location"].endswith(f"/api/documents/{manifest['id']}")
    assert manifest["status"] in {"pending", "synthesizing", "ready"}
    assert (manifest["engine"], manifest["voice"], manifest["rate"]) == ("fake", "fake-female", 0)
    for section in manifest["sections"]:
        assert set(section) == SECTION_KEYS
        for sentence in section["sentences"]:
            assert set(sentence) == SENTENCE_KEYS


def test_wait_returns_a_ready_document_with_every_timing(reader):
    manifest = reader.read()
    assert manifest["status"] == "ready"
    sentences = spoken_sentences(manifest)
    assert manifest["progress"] == {"done": len(sentences), "total": len(sentences)}
    assert "测试工作" in manifest["title"] and manifest["date"] == "2024-02-07"
    starts = [s["start_ms"] for s in sentences]
    assert starts == sorted(starts) and starts[0] == 0
    for sentence in sentences:
        assert re.fullmatch(r"/audio/[0-9a-f]{64}\.mp3", sentence["clip"])
        assert sentence["end_ms"] - sentence["start_ms"] == sentence["duration_ms"] > 0
    assert manifest["audio"]["duration_ms"] >= sentences[-1]["end_ms"]


def test_sentence_text_and_spoken_form(reader):
    manifest = reader.read()
    texts = {s["text"]: s["spoken"] for s in spoken_sentences(manifest)}
    assert texts["子部分的一句话，共计33.1条。"] != "子部分的一句话，共计33.1条。"
    assert "三十三点一" in texts["子部分的一句话，共计33.1条。"]


def test_the_same_request_returns_at_once_without_synthesizing(app, reader):
    first = reader.read()
    engine = app.extensions["bobao"].get_engine("fake")
    calls = len(engine.calls)
    again = reader.read(wait=False)
    assert again["id"] == first["id"] and again["status"] == "ready"
    assert len(engine.calls) == calls


def test_voice_and_rate_change_the_document_id(reader):
    ids = {reader.read()["id"], reader.read(voice="fake-male")["id"], reader.read(rate="+10%")["id"]}
    assert len(ids) == 3


def test_get_returns_the_stored_manifest(client, reader):
    manifest = reader.read()
    response = client.get(f"/api/documents/{manifest['id']}")
    assert response.status_code == 200
    assert response.get_json() == manifest


def test_a_ready_manifest_is_served_as_stored_with_an_etag(client, reader):
    manifest = reader.read()
    first = client.get(f"/api/documents/{manifest['id']}")
    assert first.status_code == 200 and first.get_json() == manifest
    assert first.headers["Content-Type"].startswith("application/json") and first.headers.get("ETag")
    again = client.get(f"/api/documents/{manifest['id']}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_sentence_zero_is_playable_before_the_page_is_ready(tmp_path):
    app = make_app(tmp_path, TTS_ENGINE="slowfake")
    client = app.test_client()
    reader = Reader(client)
    manifest = reader.read(wait=False)
    first = reader.until(manifest["id"], lambda m: m["sections"][0]["sentences"][0]["clip"] is not None)
    assert first["status"] == "synthesizing"
    assert first["progress"]["done"] < first["progress"]["total"]
    clip = client.get(first["sections"][0]["sentences"][0]["clip"])
    assert clip.status_code == 200 and clip.data[:2] == b"\xff\xf3"
    assert client.get(f"/documents/{manifest['id']}.mp3").status_code == 409
    done = reader.until(manifest["id"], lambda m: m["status"] == "ready")
    assert done["audio"]["size_bytes"] > 0
    app.extensions["bobao"].jobs.shutdown()


def test_the_first_sentence_streams_in_pieces_that_add_up_to_its_clip(tmp_path):
    app = make_app(tmp_path, TTS_ENGINE="slowfake")
    client = app.test_client()
    reader = Reader(client)
    manifest = reader.read(wait=False)
    sentence = lambda m: m["sections"][0]["sentences"][0]  # noqa: E731
    early = reader.until(manifest["id"], lambda m: sentence(m).get("pieces", {}).get("ready"))
    validate(early, "Manifest")
    assert sentence(early)["clip"] is None, "a piece is playable before the whole sentence exists"
    piece = client.get(sentence(early)["pieces"]["ready"][0]["clip"])
    assert piece.status_code == 200 and mp3.duration_ms(piece.data) > 0
    done = reader.until(manifest["id"], lambda m: m["status"] == "ready")
    pieces = sentence(done)["pieces"]
    assert pieces["count"] == len(pieces["ready"]) >= 2
    assert sum(p["duration_ms"] for p in pieces["ready"]) == sentence(done)["duration_ms"]
    # A later sentence is cut too when it would not be ready in time whole; its pieces add up the same way.
    for later in (s for sec in done["sections"] for s in sec["sentences"][1:] if "pieces" in s):
        assert later["pieces"]["count"] == len(later["pieces"]["ready"]) >= 2
        assert sum(p["duration_ms"] for p in later["pieces"]["ready"]) == later["duration_ms"]
    app.extensions["bobao"].jobs.shutdown()


def test_a_full_queue_answers_503_with_retry_after(tmp_path):
    app = make_app(tmp_path, TTS_ENGINE="slowfake", JOB_QUEUE_SIZE=1, JOB_WORKERS=1, JOB_RETRY_AFTER_S=7)
    client = app.test_client()
    statuses = [client.post("/api/documents", json={"text": f"第{n}份文件的内容。"}) for n in range(4)]
    busy = [r for r in statuses if r.status_code == 503]
    assert busy, [r.status_code for r in statuses]
    assert busy[0].headers["Retry-After"] == "7"
    assert busy[0].get_json()["error"]["code"] == "busy"
    assert sum(r.status_code == 201 for r in statuses) <= 2
    app.extensions["bobao"].jobs.shutdown()


def test_html_input_uses_the_page_title(reader):
    html = (
        "<html><head><title>通知公告</title></head>"
        "<body><h1>关于开展测试的通知</h1><p>请各单位按时报送。</p></body></html>"
    )
    response = reader.client.post("/api/documents?wait=1", json={"html": html})
    assert response.status_code == 201
    manifest = response.get_json()
    assert manifest["status"] == "ready"
    assert any("按时报送" in s["text"] for s in spoken_sentences(manifest))


def test_voices_lists_the_engine_voices(client):
    body = client.get("/api/voices").get_json()
    assert body["engine"] == "fake" and body["default"] == "fake-female"
    assert [v["name"] for v in body["voices"]] == ["fake-female", "fake-male"]


def test_offline_voices_are_native_mandarin_first_with_honest_labels(tmp_path):
    app = make_app(tmp_path, TTS_ENGINE="offline")
    try:
        body = app.test_client().get("/api/voices").get_json()
    finally:
        app.extensions["bobao"].jobs.shutdown()
    labels = {v["name"]: v["display_name"] for v in body["voices"]}
    assert body["default"] == "zf_xiaobei" and body["voices"][0]["name"] == "zf_xiaobei"
    assert labels["zf_xiaobei"] == "晓北（女声，普通话）" and labels["zm_yunxia"] == "云夏（男声，普通话）"
    assert all("日语口音" in label for name, label in labels.items() if name.startswith(("jf_", "jm_")))
    assert len([name for name in labels if name.startswith(("zf_", "zm_"))]) == 8


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        pytest.param({"text": SHORT_TEXT, "html": "<p>x</p>"}, 400, "bad_request", id="two-inputs"),
        pytest.param({}, 400, "bad_request", id="no-input"),
        pytest.param({"text": "   "}, 400, "bad_request", id="blank-text"),
        pytest.param({"text": 42}, 400, "bad_request", id="text-not-string"),
        pytest.param({"text": SHORT_TEXT, "engine": "nope"}, 400, "bad_request", id="unknown-engine"),
        pytest.param({"text": SHORT_TEXT, "voice": "nobody"}, 422, "voice_not_found", id="unknown-voice"),
        pytest.param({"text": SHORT_TEXT, "rate": "fast"}, 400, "bad_request", id="bad-rate"),
        pytest.param({"text": SHORT_TEXT, "rate": 500}, 400, "bad_request", id="rate-out-of-range"),
        pytest.param({"text": "。。。！！！"}, 422, "empty_document", id="nothing-readable"),
    ],
)
def test_bad_requests_get_clear_errors_and_store_nothing(app, client, body, status, code):
    response = client.post("/api/documents", json=body)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert app.extensions["bobao"].store.ids() == []


def test_non_json_body_is_a_400(client):
    response = client.post(
        "/api/documents", data="text=你好", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400


def test_text_over_the_limit_is_413(tmp_path):
    client = make_app(tmp_path, MAX_TEXT_CHARS=50).test_client()
    response = client.post("/api/documents", json={"text": "很长的句子。" * 20})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "text_too_long"


@pytest.mark.parametrize("doc_id", ["0" * 24, "../../etc/passwd", "ABCDEF0123456789abcdef01", "0" * 23])
def test_unknown_or_malformed_ids_are_404(client, doc_id):
    response = client.get(f"/api/documents/{doc_id}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_url_to_loopback_is_refused_and_stores_nothing(app, client):
    pytest.importorskip("web.fetch")
    response = client.post("/api/documents", json={"url": "http://127.0.0.1:9/page.html"})
    assert 400 <= response.status_code < 500
    assert "error" in response.get_json()
    assert app.extensions["bobao"].store.ids() == []


@pytest.fixture
def page_server():
    """A web server on 127.0.0.1 serving one GBK-encoded government page."""
    import http.server
    import threading

    html = "<html><head><meta charset='gbk'><title>区政府通知</title></head><body><h1>关于开展测试的通知</h1>"
    html += "<p>请各单位于2024年3月1日前报送。</p></body></html>"
    body = html.encode("gbk")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/notice.html"
    server.shutdown()
    server.server_close()


def test_url_input_is_fetched_and_read(tmp_path, page_server, fakenet):  # noqa: F811
    pytest.importorskip("web.fetch")
    page_server = public_alias(fakenet, page_server)
    app = make_app(tmp_path, FETCH_ALLOWED_HOSTS=[".example.gov.cn"])
    response = app.test_client().post("/api/documents?wait=1", json={"url": page_server})
    assert response.status_code == 201, response.get_data(as_text=True)
    manifest = response.get_json()
    assert manifest["status"] == "ready"
    assert manifest["source"] == page_server
    texts = [s["text"] for s in spoken_sentences(manifest)]
    assert any("请各单位于2024年3月1日前报送。" in text for text in texts)
    app.extensions["bobao"].jobs.shutdown()
