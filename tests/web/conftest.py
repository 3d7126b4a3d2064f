"""Fixtures for the web tests: an app on the tone engine with every folder under tmp_path."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient

from audio import mp3
from tests.fakes import register_fake
from web import create_app

SHORT_TEXT = """区政府关于测试工作的报告
日期:2024-02-07

2023年，全区工作取得新进展。各项任务全面完成！

一、主要举措

第一部分的第一句话。第一部分的第二句话。
第一部分第二段的一句话。

(一)完善机制

子部分的一句话，共计33.1条。

二、存在的不足

第二部分的一句话。
"""


class BufferedClient(FlaskClient):
    """A test client that reads every response fully and closes it (send_file keeps a file open)."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


def make_app(root: Path, **config: Any) -> Flask:
    register_fake()
    settings = {
        "TESTING": True,
        "TTS_ENGINE": "fake",
        "INSTANCE_PATH": str(root / "instance"),
        "AUDIO_CACHE_DIR": str(root / "audio"),
        "DOCUMENT_DIR": str(root / "documents"),
        "EXTRA_ENGINES": "fake=tests.fakes:create,slowfake=tests.fakes:create_slow,"
                         "clausefake=tests.fakes:create_clauses",
    }
    settings.update(config)
    app = create_app(settings)
    app.test_client_class = BufferedClient
    return app


@pytest.fixture(autouse=True)
def _no_outside_config(monkeypatch: pytest.MonkeyPatch) -> None:
    """BOBAO_* variables of the shell running the tests must not override the test config."""
    for key in [k for k in os.environ if k.startswith("BOBAO_")]:
        monkeypatch.delenv(key)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_app(tmp_path)
    yield app
    app.extensions["bobao"].jobs.shutdown()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Reader:
    """Posts documents the way the player and widget do."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def read(self, text: str = SHORT_TEXT, *, wait: bool = True, **options: Any) -> dict[str, Any]:
        response = self.client.post(
            "/api/documents" + ("?wait=1" if wait else ""), json={"text": text, **options}
        )
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.get_json()

    def until(self, doc_id: str, predicate: Any, timeout_s: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            manifest = self.client.get(f"/api/documents/{doc_id}").get_json()
            if predicate(manifest):
                return manifest
            time.sleep(0.02)
        raise AssertionError(f"document {doc_id} never reached the expected state")


@pytest.fixture
def reader(client: FlaskClient) -> Reader:
    return Reader(client)


@pytest.fixture(scope="module")
def ready(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FlaskClient, dict[str, Any]]]:
    """One app with SHORT_TEXT fully synthesized, shared by the read-only download tests."""
    app = make_app(tmp_path_factory.mktemp("ready"))
    client = app.test_client()
    manifest = Reader(client).read()
    assert manifest["status"] == "ready"
    yield client, manifest
    app.extensions["bobao"].jobs.shutdown()


def decode_mp3(data: bytes) -> np.ndarray:
    """24 kHz mono float samples; ``audio.mp3.decode`` raises on any decoder complaint."""
    return mp3.decode(data).astype(np.float32) / 32768


def parse_vtt(text: str) -> list[tuple[int, int, str]]:
    """WebVTT cues as (start_ms, end_ms, text)."""
    cues = []
    for block in text.strip().split("\n\n")[1:]:
        lines = [line for line in block.splitlines() if line.strip()]
        timing = next(i for i, line in enumerate(lines) if "-->" in line)
        start, end = (_ms(part.strip().split(" ")[0]) for part in lines[timing].split("-->"))
        cues.append((start, end, "\n".join(lines[timing + 1 :])))
    return cues


def _ms(stamp: str) -> int:
    parts = stamp.split(":")
    seconds = float(parts[-1]) + 60 * int(parts[-2]) + (3600 * int(parts[-3]) if len(parts) == 3 else 0)
    return round(seconds * 1000)


def spoken_sentences(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for section in manifest["sections"] for s in section["sentences"] if s["spoken"].strip()]
