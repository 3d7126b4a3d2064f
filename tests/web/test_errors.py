"""Every error becomes a status, a message code and a Chinese message; never a stack trace."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import TooManyRequests

import audio
import reader
from tests.web.conftest import make_app
from web.errors import AudioNotReady
from web.errors import Busy
from web.errors import DocumentNotFound
from web.errors import InvalidRequest
from web.errors import TextTooLong
from web.errors import problem_for


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (InvalidRequest("x"), 400, "bad_request"),
        (DocumentNotFound("x"), 404, "not_found"),
        (AudioNotReady("x"), 409, "audio_not_ready"),
        (TextTooLong("x"), 413, "text_too_long"),
        (Busy("x"), 503, "busy"),
        (reader.InputTooLarge("x"), 413, "input_too_large"),
        (reader.EmptyDocument("x"), 422, "empty_document"),
        (reader.UnsupportedInput("x"), 422, "unsupported_input"),
        (audio.VoiceNotFound("x"), 422, "voice_not_found"),
        (audio.EngineUnavailable("x"), 503, "engine_unavailable"),
        (audio.SynthesisFailed("x"), 503, "synthesis_failed"),
        (audio.CacheError("x"), 503, "storage_error"),
        (audio.AssemblyError("x"), 500, "assembly_failed"),
        (RuntimeError("x"), 500, "internal_error"),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_each_error_class_has_its_status_and_code(error, status, code):
    problem = problem_for(error)
    assert (problem.status, problem.code) == (status, code)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in problem.message)


def test_unknown_page_is_an_html_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "找不到" in response.get_data(as_text=True)


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"] == {"status": 404, "code": "not_found", "message": "找不到该页面。"}


def test_wrong_method_is_405_json(client):
    response = client.get("/api/documents")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_oversize_body_is_413(tmp_path):
    client = make_app(tmp_path, MAX_CONTENT_LENGTH=1000).test_client()
    response = client.post("/api/documents", json={"text": "很长。" * 1000})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_429_keeps_retry_after(tmp_path):
    app = make_app(tmp_path)

    @app.get("/api/limited")
    def limited():
        raise TooManyRequests(retry_after=12)

    response = app.test_client().get("/api/limited")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "12"
    assert response.get_json()["error"]["code"] == "too_many_requests"


@pytest.mark.parametrize("path", ["/api/explode", "/explode"])
def test_unexpected_errors_never_show_a_trace(tmp_path, path):
    app = make_app(tmp_path, TESTING=False)

    @app.get(path)
    def explode():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get(path)
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret" not in body and "Traceback" not in body and "RuntimeError" not in body
    assert "服务器内部错误" in body


def test_error_pages_escape_what_they_show(tmp_path):
    app = make_app(tmp_path)

    @app.get("/boom")
    def boom():
        raise InvalidRequest("<script>alert(1)</script>")

    body = app.test_client().get("/boom").get_data(as_text=True)
    assert "<script>" not in body
