"""The player while synthesis lags behind the listener: it says 语音合成中, never 暂停 over silence."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.browser.conftest import Servers

pytestmark = pytest.mark.browser

TEXT = ("播放器等待测试第{n}篇。第一句话比较短。第二句话也不长，需要等待合成。"
        "第三句话在后面，还没有合成好。第四句话是最后一句。")


def test_waiting_for_synthesis_is_said_and_the_button_never_offers_pause(page: Any, servers: Servers) -> None:
    client = servers.app.test_client()
    body = {"text": TEXT.format(n=time.time_ns()), "engine": "slowfake"}
    created = client.post("/api/documents", json=body)
    doc_id = created.get_json()["id"]
    page.goto(f"{servers.bobao}/d/{doc_id}")
    page.wait_for_selector("#doc-body .s")
    page.evaluate("""() => { window.samples = []; const a = document.querySelector('audio');
        setInterval(() => window.samples.push({label: document.querySelector('#play .label').textContent,
            status: document.getElementById('status').textContent, silent: a.paused}), 5); }""")
    page.click("#play")
    page.wait_for_function("() => window.samples.some((s) => s.status.startsWith('语音合成中'))",
                           timeout=30_000)
    page.wait_for_function("() => { const a = document.querySelector('audio');"
                           " return !a.paused && a.currentTime > 0.05; }", timeout=60_000)
    samples = page.evaluate("window.samples")
    waiting = [s for s in samples if s["status"].startswith("语音合成中") and s["silent"]]
    assert waiting and all(s["label"] == "播放" for s in waiting), "no 暂停 over silence while waiting"
    page.wait_for_function("() => document.querySelector('#play .label').textContent === '暂停'")
