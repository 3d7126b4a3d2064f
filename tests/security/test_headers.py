"""web.security on a small app: headers, CORS, body limit and gzip, route by route."""

from __future__ import annotations

import gzip
import io

import pytest
from flask import Flask
from flask import jsonify
from flask import request
from flask import send_file

from web import security

ALLOWED = "https://www.example.gov.cn"
FOREIGN = "https://evil.example.com"


@pytest.fixture
def app():
    app = Flask(__name__)
    app.config.update(API_ALLOWED_ORIGINS=[ALLOWED], MAX_CONTENT_LENGTH=1000, FRAME_ANCESTORS=None)
    security.init_app(app)
    posted: list[bytes] = []
    app.extensions["posted"] = posted

    @app.get("/")
    def page():
        return "<!doctype html><title>x</title>" + "<p>播报</p>" * 200

    @app.route("/api/documents", methods=["GET", "POST"])
    def documents():
        if request.method == "POST":
            posted.append(request.get_data())
        return jsonify({"sentences": ["一句话。"] * 200})

    @app.get("/widget.js")
    def widget():
        return send_file(io.BytesIO(b"console.log('bobao');\n" * 100), mimetype="text/javascript")

    @app.get("/audio/<key>.mp3")
    def clip(key):
        return send_file(io.BytesIO(b"\xff\xf3" * 4000), mimetype="audio/mpeg", conditional=True)

    return app


@pytest.fixture
def client(app):
    return app.test_client()


def test_page_csp_and_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "script-src 'self'",
        "style-src 'self'",
        "media-src 'self' blob:",
        "frame-ancestors 'self'",
        "object-src 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_frame_ancestors_from_config(app, client):
    app.config["FRAME_ANCESTORS"] = "https://a.gov.cn https://b.gov.cn"
    response = client.get("/")
    assert "frame-ancestors https://a.gov.cn https://b.gov.cn" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers


def test_json_gets_nosniff_but_no_page_csp(client):
    response = client.get("/api/documents")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in response.headers


def test_cors_allowed_origin(client):
    response = client.get("/api/documents", headers={"Origin": ALLOWED})
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "Content-Range" in response.headers["Access-Control-Expose-Headers"]
    assert "Origin" in response.headers["Vary"]


@pytest.mark.parametrize("path", ["/api/documents", "/audio/ab.mp3", "/widget.js"])
def test_cors_foreign_origin_gets_no_grant(client, path):
    response = client.get(path, headers={"Origin": FOREIGN})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_preflight_allowed(client):
    response = client.options(
        "/api/documents",
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type, X-Evil",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type"


def test_preflight_foreign_refused(client):
    response = client.options(
        "/api/documents", headers={"Origin": FOREIGN, "Access-Control-Request-Method": "POST"}
    )
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers


def test_foreign_simple_post_refused_before_view(app, client):
    response = client.post(
        "/api/documents", data="text=x", content_type="text/plain", headers={"Origin": FOREIGN}
    )
    assert response.status_code == 403
    assert response.json["error"]["code"] == "origin_not_allowed"
    assert app.extensions["posted"] == []


def test_same_origin_post_allowed(app, client):
    """Without PUBLIC_ORIGIN our own page may POST, but gets no CORS grant for it."""
    headers = {"Origin": "http://localhost"}
    response = client.post("/api/documents", data="{}", content_type="application/json", headers=headers)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers
    assert app.extensions["posted"] == [b"{}"]


def test_configured_public_origin_is_our_own(app, client):
    app.config["PUBLIC_ORIGIN"] = "https://read.example.gov.cn/"
    headers = {"Origin": "https://read.example.gov.cn"}
    response = client.post("/api/documents", data="{}", content_type="application/json", headers=headers)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "https://read.example.gov.cn"


@pytest.mark.parametrize("public_origin", [None, "https://read.example.gov.cn"])
def test_dns_rebinding_host_gets_no_cors_grant(app, client, public_origin):
    """A rebinding page at evil.example.com reaches us with Host: evil.example.com; it gets no grant."""
    app.config["PUBLIC_ORIGIN"] = public_origin
    headers = {"Origin": "http://evil.example.com", "Host": "evil.example.com"}
    for method in ("GET", "POST"):
        response = client.open("/api/documents", method=method, headers=headers)
        assert "Access-Control-Allow-Origin" not in response.headers


def test_with_public_origin_a_rebinding_page_cannot_post(app, client):
    app.config["PUBLIC_ORIGIN"] = "https://read.example.gov.cn"
    headers = {"Origin": "http://evil.example.com", "Host": "evil.example.com"}
    posted = client.post("/api/documents", data="{}", content_type="application/json", headers=headers)
    assert posted.status_code == 403
    preflight = client.options("/api/documents", headers={**headers, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 403
    assert app.extensions["posted"] == []


def test_wildcard_must_be_explicit(app, client):
    app.config["API_ALLOWED_ORIGINS"] = "*"
    response = client.get("/api/documents", headers={"Origin": FOREIGN})
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_no_origins_configured_means_only_same_origin(app, client):
    app.config["API_ALLOWED_ORIGINS"] = []
    assert (
        "Access-Control-Allow-Origin" not in client.get("/api/documents", headers={"Origin": ALLOWED}).headers
    )


def test_oversize_body_refused_before_view(app, client):
    response = client.post("/api/documents", data=b"x" * 5000, content_type="application/json")
    assert response.status_code == 413
    assert app.extensions["posted"] == []


@pytest.mark.parametrize("path", ["/api/documents", "/widget.js", "/"])
def test_gzip_text(client, path):
    plain = client.get(path)
    zipped = client.get(path, headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data) / 3
    assert "Content-Encoding" not in plain.headers


def test_gzip_keeps_conditional_requests_working(app):
    @app.get("/static-like.css")
    def css():
        return send_file(io.BytesIO(b"body { color: black; }\n" * 100), mimetype="text/css", etag="v1")

    client = app.test_client()
    first = client.get("/static-like.css", headers={"Accept-Encoding": "gzip"})
    assert first.headers["ETag"] == 'W/"v1"' and first.headers["Content-Encoding"] == "gzip"
    again = client.get(
        "/static-like.css", headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


def test_audio_never_gzipped(client):
    response = client.get("/audio/ab.mp3", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response.headers
    ranged = client.get("/audio/ab.mp3", headers={"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
    assert ranged.status_code == 206
    assert len(ranged.data) == 100
