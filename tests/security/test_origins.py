"""Loopback origins for local development, and what a refused origin is told (web.security)."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from flask import jsonify

from web import security
from web.cli import _is_loopback

ALLOWED = "https://www.example.gov.cn"
LOOPBACK = ["http://127.0.0.1:5173", "http://localhost:8080", "http://127.0.0.1", "http://[::1]:3000"]
NOT_LOOPBACK = ["https://evil.example.com", "http://127.0.0.1.evil.example.com", "http://localhost.evil.cn:80",
                "http://192.168.1.5:8000", "http://0.0.0.0:8000", "file://", "null", "http://[::1"]


def make_client(allow_loopback: bool):
    app = Flask(__name__)
    app.config.update(API_ALLOWED_ORIGINS=[ALLOWED], API_ALLOW_LOOPBACK=allow_loopback)
    security.init_app(app)

    @app.post("/api/documents")
    def documents():
        return jsonify({"ok": True})

    return app.test_client()


def preflight(client, origin: str) -> int:
    headers = {"Origin": origin, "Access-Control-Request-Method": "POST"}
    return client.options("/api/documents", headers=headers).status_code


@pytest.mark.parametrize("origin", LOOPBACK)
def test_loopback_pages_are_allowed_only_when_serving_on_loopback(origin):
    assert preflight(make_client(True), origin) == 204
    assert preflight(make_client(False), origin) == 403


@pytest.mark.parametrize("origin", NOT_LOOPBACK)
def test_other_origins_stay_refused_with_loopback_on(origin):
    assert preflight(make_client(True), origin) == 403


LISTENERS = [("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("[::1]", True), ("localhost", True),
             ("0.0.0.0", False), ("::", False), ("192.168.1.5", False), ("bobao.gov.cn", False)]


@pytest.mark.parametrize(("host", "loopback"), LISTENERS)
def test_serve_turns_loopback_on_only_for_loopback_listeners(host, loopback):
    assert _is_loopback(host) is loopback


def test_origin_status_is_readable_from_anywhere():
    client = make_client(False)
    refused = client.get("/api/origin", headers={"Origin": "https://site.example.cn"})
    assert refused.status_code == 200 and refused.headers["Access-Control-Allow-Origin"] == "*"
    assert refused.json == {"origin": "https://site.example.cn", "allowed": False,
                            "setting": "API_ALLOWED_ORIGINS", "environment": "BOBAO_API_ALLOWED_ORIGINS"}
    assert client.get("/api/origin", headers={"Origin": ALLOWED}).json["allowed"] is True
    assert client.get("/api/origin").json["allowed"] is False


def test_a_refused_origin_is_logged_once_with_the_setting(caplog):
    client = make_client(False)
    origin = "https://once.example.cn"
    with caplog.at_level(logging.WARNING, logger="web.security"):
        for _ in range(3):
            assert preflight(client, origin) == 403
    lines = [r.getMessage() for r in caplog.records if r.name == "web.security"]
    assert len(lines) == 1
    assert origin in lines[0] and "BOBAO_API_ALLOWED_ORIGINS='[\"https://once.example.cn\"]'" in lines[0]
