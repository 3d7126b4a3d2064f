"""The player while synthesis lags behind the listener: it says 语音合成中, never 暂停 over silence."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.browser.conftest import Servers

pytestmark = pytest.mark.browser

# 60 sentences at 0.3 s each: the last one is still far from synthesized when the listener jumps to it.
TEXT = "播放器等待测试第{n}篇。" + "".join(f"这是第{k}句话，用来等待合成。" for k in range(1, 60))


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
    page.click("#doc-body .s >> nth=-1")  # start from the last sentence, not yet synthesized
    page.wait_for_function("() => window.samples.some((s) => s.status.startsWith('语音合成中'))",
                           timeout=30_000)
    page.wait_for_function("() => { const a = document.querySelector('audio');"
                           " return !a.paused && a.currentTime > 0.05; }", timeout=60_000)
    samples = page.evaluate("window.samples")
    waiting = [s for s in samples if s["status"].startswith("语音合成中") and s["silent"]]
    assert waiting and all(s["label"] == "播放" for s in waiting), "no 暂停 over silence while waiting"
    page.wait_for_function("() => document.querySelector('#play .label').textContent === '暂停'")
