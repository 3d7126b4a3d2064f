"""Bad input gets a 4xx with a reason, never a 500 and never a stack trace in the log (issue 15, item 9)."""

from __future__ import annotations

import io
import logging

import pytest

from tests.web.conftest import make_app

TOKEN = "s3cret-admin-token"


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path, ADMIN_TOKEN=TOKEN, RATE_LIMIT="off", MAX_CONTENT_LENGTH=2 * 1024 * 1024)
    yield app
    app.extensions["bobao"].jobs.shutdown()


@pytest.fixture
def client(app):
    return app.test_client()


def assert_clean_4xx(response, caplog, status=400, code="bad_request"):
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


@pytest.mark.parametrize(
    "body",
    [
        '{"text": "\\ud800正文。"}',
        '{"text": "正文。", "voice": "\\udfff"}',
        '{"html": "<p>a\\udbff</p>"}',
        '{"text": "正文。", "\\ud800": 1}',
    ],
)
def test_lone_surrogates_are_refused(client, caplog, body):
    response = client.post("/api/documents", data=body, content_type="application/json")
    assert_clean_4xx(response, caplog)
    assert "surrogate" in response.get_json()["error"]["detail"]


def test_surrogate_pairs_are_fine(client):
    body = '{"text": "\\ud83d\\ude00 正文。"}'
    response = client.post("/api/documents", data=body, content_type="application/json")
    assert response.status_code == 201


@pytest.mark.parametrize("depth", [100, 100_000])
def test_deeply_nested_json_is_refused(client, caplog, depth):
    body = '{"text": ' + "[" * depth + "]" * depth + "}"
    response = client.post("/api/documents", data=body, content_type="application/json")
    assert_clean_4xx(response, caplog)
    assert "nested" in response.get_json()["error"]["detail"]


def test_preview_with_list_voice_is_a_400(client, caplog):
    response = client.post(
        "/admin/api/lexicon/preview",
        json={"engine": "", "text": "0", "voice": [None, None]},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert_clean_4xx(response, caplog)
    assert "voice" in response.get_json()["error"]["detail"]


def test_chunked_body_over_the_limit_is_413(client, caplog):
    """A body without Content-Length (chunked, as gunicorn passes it on) is held to MAX_CONTENT_LENGTH too."""
    body = b'{"text": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    response = client.post(
        "/api/documents",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert_clean_4xx(response, caplog, status=413, code="payload_too_large")


def test_small_chunked_body_is_read(client):
    response = client.post(
        "/api/documents",
        input_stream=io.BytesIO('{"text": "分块上传的正文。"}'.encode()),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 201
