"""A client picks only engines and voices the operator offers; anything else is a clear 403 (item 6)."""

from __future__ import annotations

import pytest

from tests.web.conftest import make_app


@pytest.fixture
def build(tmp_path):
    apps = []

    def make(**config):
        app = make_app(tmp_path, RATE_LIMIT="off", **config)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["bobao"].jobs.shutdown()


@pytest.mark.parametrize("engine", ["edge", "auto", "offline"])
def test_engines_the_operator_did_not_offer_are_refused_before_building_them(build, engine):
    app = build()
    client = app.test_client()
    response = client.post("/api/documents", json={"text": "不能外传的正文。", "engine": engine})
    assert response.status_code == 403
    assert response.json["error"]["code"] == "not_allowed"
    assert engine in response.json["error"]["detail"]
    voices = client.get(f"/api/voices?engine={engine}")
    assert voices.status_code == 403
    assert engine not in app.extensions["bobao"].loaded_engines
    assert app.extensions["bobao"].store.ids() == []


def test_default_and_registered_engines_stay_available(build):
    client = build().test_client()
    for engine in ("fake", "slowfake"):
        assert client.post("/api/documents", json={"text": "正文。", "engine": engine}).status_code == 201


def test_operator_list_opens_and_closes_engines(build):
    client = build(CLIENT_ENGINES="fake, clausefake").test_client()
    assert client.post("/api/documents", json={"text": "正文。", "engine": "clausefake"}).status_code == 201
    assert client.post("/api/documents", json={"text": "正文。", "engine": "slowfake"}).status_code == 403
    assert client.post("/api/documents", json={"text": "正文。", "engine": "nope"}).status_code == 400


def test_voice_allow_list(build):
    client = build(CLIENT_VOICES=["fake-female"]).test_client()
    refused = client.post("/api/documents", json={"text": "正文。", "voice": "fake-male"})
    assert refused.status_code == 403 and refused.json["error"]["code"] == "not_allowed"
    assert client.post("/api/documents", json={"text": "正文。", "voice": "fake-female"}).status_code == 201
    listed = [v["name"] for v in client.get("/api/voices").json["voices"]]
    assert listed == ["fake-female"]


@pytest.mark.parametrize(("config", "promise"), [
    ({}, "不向第三方发送内容"),
    ({"CLIENT_ENGINES": "fake, edge"}, "使用在线语音服务（微软）的语音时，页面文字会发送给该服务合成"),
    ({"TTS_ENGINE": "auto"}, "使用在线语音服务（微软）的语音时"),
    ({"SPEECH_API_URL": "http://127.0.0.1:9"}, "使用本站指定的语音服务器的语音时"),
])
def test_the_footer_says_where_page_text_goes_for_the_engines_offered(build, config, promise):
    # "Not sent to third parties" must never be shown on a site that offers an online voice.
    page = build(**config).test_client().get("/").get_data(as_text=True)
    assert promise in page
    assert ("不向第三方发送内容" in page) == (not config)
