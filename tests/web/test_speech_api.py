"""The site's own speech server (engine ``speech-api``) through the web app: offered only once configured.

A real local server answers every sentence with real WAV bytes (44.1 kHz stereo, a tone whose length
follows the text), so the whole path runs: JSON request, pydub decode, canonical clips, assembly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from audio import mp3
from tests.audio.speech_server import Answer
from tests.audio.speech_server import SpeechServer
from tests.audio.speech_server import tone_wav
from tests.web.conftest import SHORT_TEXT
from tests.web.conftest import Reader
from tests.web.conftest import make_app


@pytest.fixture
def server() -> Iterator[SpeechServer]:
    with SpeechServer() as running:
        running.answer = Answer(tone_wav(), "audio/wav")
        yield running


@pytest.fixture
def speech_app(tmp_path: Path, server: SpeechServer):
    app = make_app(tmp_path, SPEECH_API_URL=server.url, SPEECH_API_VOICES="voice-a,voice-b",
                   SPEECH_API_MODEL="site-tts")
    yield app
    app.extensions["bobao"].jobs.shutdown()


def test_a_configured_speech_server_lists_its_voices(speech_app):
    body = speech_app.test_client().get("/api/voices?engine=speech-api").get_json()
    assert body["engine"] == "speech-api" and body["default"] == "voice-a"
    assert [(v["name"], v["engine"]) for v in body["voices"]] == [("voice-a", "speech-api"),
                                                                 ("voice-b", "speech-api")]


def test_a_document_read_with_the_speech_server_becomes_ready(speech_app, server):
    client = speech_app.test_client()
    manifest = Reader(client).read(SHORT_TEXT, engine="speech-api", voice="voice-b", rate="+10%")
    assert manifest["status"] == "ready" and manifest["engine"] == "speech-api"
    assert server.seen and {seen.body["voice"] for seen in server.seen} == {"voice-b"}
    assert {seen.body["model"] for seen in server.seen} == {"site-tts"}
    assert {seen.body["speed"] for seen in server.seen} == {1.1}
    track = client.get(manifest["audio"]["mp3"]).data
    assert len(mp3.decode(mp3.strip_headers(track))) > 0  # the whole page decodes cleanly


def test_without_a_server_the_engine_is_not_offered(tmp_path):
    app = make_app(tmp_path)
    try:
        response = app.test_client().get("/api/voices?engine=speech-api")
    finally:
        app.extensions["bobao"].jobs.shutdown()
    assert response.status_code == 400
    assert response.get_json()["error"]["detail"].startswith("unknown engine 'speech-api'")


def test_the_operators_client_list_still_rules(tmp_path, server):
    app = make_app(tmp_path, SPEECH_API_URL=server.url, SPEECH_API_VOICES="voice-a", CLIENT_ENGINES=["fake"])
    try:
        response = app.test_client().post("/api/documents", json={"text": "一句话。", "engine": "speech-api"})
    finally:
        app.extensions["bobao"].jobs.shutdown()
    assert response.status_code == 403
    assert server.seen == []
