"""One unspeakable sentence is read as a short pause and noted; the rest of the page is read (item 14)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakes import ToneEngine
from tests.fakes import expected_ms
from tests.web.conftest import decode_mp3
from tests.web.conftest import make_app
from tests.web.test_openapi import validate

UNSPEAKABLE = "èû。"


class PickyEngine(ToneEngine):
    """The tone engine, failing (as the offline voice does on ``èû``) on any text with a Latin accent."""

    name = "picky"

    def synthesize(self, text, params):
        if any(ch in text for ch in "èûé"):
            self.fail_on.add(text)
        return super().synthesize(text, params)


def create_picky(**options: Any) -> PickyEngine:
    return PickyEngine(**options)


@pytest.fixture
def app(tmp_path):
    app = make_app(
        tmp_path,
        RATE_LIMIT="off",
        TTS_ENGINE="picky",
        EXTRA_ENGINES="fake=tests.fakes:create,picky=tests.security.test_skipping:create_picky",
    )
    yield app
    app.extensions["bobao"].jobs.shutdown()


def test_one_unspeakable_sentence_is_a_pause_and_a_note(app):
    client = app.test_client()
    spoken = ["第一句可以读。", "第三句也可以读。"]
    manifest = client.post("/api/documents?wait=1", json={"text": spoken[0] + UNSPEAKABLE + spoken[1]}).json
    assert manifest["status"] == "ready", manifest.get("error")
    assert [note["text"] for note in manifest["skipped"]] == [UNSPEAKABLE]
    validate(manifest, "Manifest")
    assert "fail" in manifest["skipped"][0]["reason"]
    entries = [s for section in manifest["sections"] for s in section["sentences"]]
    assert [bool(s.get("skipped")) for s in entries] == [False, True, False]
    seconds = len(decode_mp3(client.get(f"/documents/{manifest['id']}.mp3").data)) / 24_000
    assert seconds * 1000 >= sum(expected_ms(s) for s in spoken) + 300


def test_the_pause_is_not_cached_as_the_sentence(app):
    client = app.test_client()
    client.post("/api/documents?wait=1", json={"text": "开头。" + UNSPEAKABLE})
    engine = app.extensions["bobao"].get_engine("picky")
    asked = engine.calls.count(UNSPEAKABLE)
    client.post("/api/documents?wait=1", json={"text": "另一个开头。" + UNSPEAKABLE})
    assert engine.calls.count(UNSPEAKABLE) == asked + 1  # asked again: it may speak it now


def test_an_engine_that_fails_everything_still_fails_the_document(app):
    text = "".join(f"第{i}句è。" for i in range(10))
    manifest = app.test_client().post("/api/documents?wait=1", json={"text": text}).json
    assert manifest["status"] == "failed"
    assert manifest["error"] == "SynthesisFailed"
