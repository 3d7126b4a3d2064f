"""Demand scheduling with the in-process runner: listeners first, then lookahead round-robin, then background.

Waits are for conditions with generous bounds; what is asserted is an order (how many sentences of
the other documents were done meanwhile), which does not depend on how busy the machine is.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from tests.fakes import register_fake
from tests.scale.conftest import wait_until
from web import create_app
from web.core.jobs import JobRunner
from web.core.schedule import Lane
from web.core.schedule import lane_for
from web.core.schedule import work_order

LONG = "区政府关于长篇报告的说明\n\n" + "".join(f"这是长篇报告的第{i + 1}句话。" for i in range(40))
OTHER = "区政府关于另一篇报告的说明\n\n" + "".join(f"另一篇报告的第{i + 1}句话。" for i in range(40))
SHORT = "短通知。请各单位按时报送材料。"


def test_work_order_starts_at_the_cursor_and_wraps():
    assert work_order([1, 2, 3, 4], None) == [1, 2, 3, 4]
    assert work_order([1, 2, 3, 4], 3) == [3, 4, 1, 2]
    assert work_order([1, 2], 9) == [1, 2]


def test_lane_is_now_only_while_the_listener_s_sentence_has_no_clip():
    items = [0, 2, 3, 5]
    assert lane_for(items, [3, 5], None) == Lane.BACKGROUND
    assert lane_for(items, [], 0) == Lane.BACKGROUND
    assert lane_for(items, [3, 5], 3) == Lane.NOW
    assert lane_for(items, [3, 5], 1) == Lane.AHEAD  # at sentence 2, which has its clip
    assert lane_for(items, [0, 5], 4) == Lane.NOW  # 4 is not spoken: the listener waits for 5


def test_runner_takes_the_most_urgent_lane_and_turns_round_robin():
    order: list[str] = []
    left = {"a": 3, "b": 3, "bg": 2}
    release = threading.Event()

    def work(doc_id: str, should_yield: Any) -> Lane | None:
        release.wait(10)
        lane = Lane.BACKGROUND if doc_id == "bg" else Lane.AHEAD
        while left[doc_id]:
            order.append(doc_id)
            left[doc_id] -= 1
            if left[doc_id] and should_yield(lane):
                return lane
        return None

    runner = JobRunner(work, workers=1)
    runner.submit("bg", Lane.BACKGROUND)  # taken at once; it waits for `release`
    wait_until(lambda: runner.pending() == 0, 10, "the worker to take the first job")
    runner.submit("a", Lane.AHEAD)
    runner.submit("b", Lane.AHEAD)
    release.set()
    assert runner.wait("bg", 10) and runner.wait("a", 10) and runner.wait("b", 10)
    assert order == ["bg", "a", "b", "a", "b", "a", "b", "bg"]
    runner.shutdown()


def test_a_more_urgent_submit_promotes_a_queued_document():
    order: list[str] = []
    gate = threading.Event()

    def work(doc_id: str, should_yield: Any) -> Lane | None:
        gate.wait(10)
        order.append(doc_id)
        return None

    runner = JobRunner(work, workers=1)
    runner.submit("first", Lane.BACKGROUND)
    wait_until(lambda: runner.pending() == 0, 10, "the worker to take the first job")
    runner.submit("bg", Lane.BACKGROUND)
    runner.submit("late", Lane.AHEAD)
    assert runner.submit("bg", Lane.NOW) is False  # already queued: moved up, not queued twice
    assert runner.pending() == 2
    gate.set()
    assert all(runner.wait(doc, 10) for doc in ("first", "bg", "late"))
    assert order == ["first", "bg", "late"]
    runner.shutdown()


def _slow_app(tmp_path: Path) -> Any:
    register_fake()
    return create_app({
        "TESTING": True,
        "TTS_ENGINE": "slowfake",
        "TTS_VOICE": "fake-female",
        "EXTRA_ENGINES": "fake=tests.fakes:create,slowfake=tests.fakes:create_slow",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "AUDIO_CACHE_DIR": str(tmp_path / "audio"),
        "DOCUMENT_DIR": str(tmp_path / "documents"),
        "JOB_WORKERS": 1,
        "RATE_LIMIT": "off",
    })


@pytest.fixture
def slow_app(tmp_path: Path) -> Any:
    """One worker thread on the slow tone engine (0.3 s a sentence), so that turns are observable."""
    app = _slow_app(tmp_path)
    yield app
    app.extensions["bobao"].jobs.shutdown()


def _done(client: Any, doc_id: str, at: int | None = None) -> int:
    query = "" if at is None else f"?at={at}"
    return int(client.get(f"/api/documents/{doc_id}{query}").json["progress"]["done"])


def _first_clip(client: Any, doc_id: str) -> Any:
    """Poll like the player (``?at=`` the first sentence) until that sentence has a clip or a piece."""
    manifest = client.get(f"/api/documents/{doc_id}").json
    first = manifest["sections"][0]["sentences"][0]
    manifest = client.get(f"/api/documents/{doc_id}?at={first['id']}").json
    entry = manifest["sections"][0]["sentences"][0]
    return entry["clip"] or (entry.get("pieces") or {}).get("ready")


def _short_waits_for(client: Any, long_ids: list[str]) -> int:
    """Post the short text while the long ones run; how many long sentences were done before it spoke."""
    before = sum(_done(client, doc_id) for doc_id in long_ids)
    short = client.post("/api/documents", json={"text": SHORT})
    assert short.status_code == 201
    wait_until(lambda: _first_clip(client, short.json["id"]), 60, "the short text's first clip")
    return sum(_done(client, doc_id) for doc_id in long_ids) - before


def test_a_short_text_speaks_within_a_sentence_while_a_long_page_runs(slow_app):
    client = slow_app.test_client()
    long_id = client.post("/api/documents", json={"text": LONG}).json["id"]
    wait_until(lambda: _done(client, long_id, at=0) >= 2, 60, "the long page to be under way")
    # First-in-first-out would finish all 40 long sentences first; the listener waits for one at most
    # (the one in flight) and the first clip of its own, counted in sentences, not seconds.
    assert _short_waits_for(client, [long_id]) <= 2
    total = client.get(f"/api/documents/{long_id}").json["progress"]["total"]
    assert _done(client, long_id) < total


def test_background_work_gives_way_to_a_listener(slow_app):
    services = slow_app.extensions["bobao"]
    client = slow_app.test_client()
    background = services.create("text", LONG, listener=False)["id"]  # as `bobao build` or the demo
    wait_until(lambda: _done(client, background) >= 2, 60, "the background page to be under way")
    assert _short_waits_for(client, [background]) <= 2


def test_listened_documents_share_the_worker_round_robin(slow_app):
    client = slow_app.test_client()
    first = client.post("/api/documents", json={"text": LONG}).json["id"]
    wait_until(lambda: _done(client, first, at=0) >= 3, 60, "the first page to be under way")
    second = client.post("/api/documents", json={"text": OTHER}).json["id"]
    start = (_done(client, first), 0)
    wait_until(lambda: _done(client, second, at=0) >= 6, 60, "the second page to make progress")
    gained = (_done(client, first, at=0) - start[0], _done(client, second))
    # Taking turns sentence by sentence: neither document got far ahead of the other meanwhile.
    assert abs(gained[0] - gained[1]) <= 2, gained


def test_a_seek_moves_synthesis_to_the_listener(slow_app):
    client = slow_app.test_client()
    doc_id = client.post("/api/documents", json={"text": LONG}).json["id"]
    wait_until(lambda: _done(client, doc_id, at=0) >= 2, 60, "the page to be under way")
    sentences = client.get(f"/api/documents/{doc_id}").json["sections"][-1]["sentences"]
    target = sentences[-5]
    assert target["clip"] is None

    def target_clip() -> Any:
        manifest = client.get(f"/api/documents/{doc_id}?at={target['id']}").json
        found = [s for sec in manifest["sections"] for s in sec["sentences"] if s["id"] == target["id"]]
        return found[0]["clip"] and manifest

    manifest = wait_until(target_clip, 60, "the sentence sought to")
    # Only a few sentences were done on the way: the job jumped, it did not read up to the target.
    assert manifest["progress"]["done"] <= 6, manifest["progress"]


def test_a_reader_never_sees_ready_while_the_job_is_still_active(slow_app):
    services = slow_app.extensions["bobao"]
    client = slow_app.test_client()
    doc_id = client.post("/api/documents", json={"text": SHORT}).json["id"]
    seen: list[tuple[str, bool]] = []
    while not seen or seen[-1][0] not in ("ready", "failed"):
        status = services.store.load(doc_id)["status"]
        seen.append((status, services.is_active(doc_id)))
        assert len(seen) < 1_000_000
    assert seen[-1] == ("ready", False)
    assert ("ready", True) not in seen
    assert any(active for _, active in seen)


def test_at_must_be_a_sentence_id(slow_app):
    client = slow_app.test_client()
    doc_id = client.post("/api/documents", json={"text": SHORT}).json["id"]
    for bad in ("-1", "x", "1.5", "9" * 12):
        response = client.get(f"/api/documents/{doc_id}?at={bad}")
        assert response.status_code == 400, bad


def test_a_poll_to_another_server_process_does_not_queue_a_job_again(slow_app, tmp_path):
    # Two apps on the same folders stand for two server processes (OS file locks are per open file).
    # Two pages take turns in the first, so at any moment one of them waits there with its lock free.
    client = slow_app.test_client()
    ids = [client.post("/api/documents", json={"text": text}).json["id"] for text in (LONG, OTHER)]
    wait_until(lambda: all(_done(client, d) >= 1 for d in ids), 60, "both pages to be under way")
    other = services_of(_slow_app(tmp_path))
    try:
        for _ in range(20):
            for doc_id in ids:
                assert other.manifest(doc_id, at=5)["status"] in ("pending", "synthesizing")
                assert not other.jobs.is_active(doc_id) and other.jobs.pending() == 0
                assert other.is_active(doc_id)
        for doc_id in ids:
            wait_until(lambda d=doc_id: client.get(f"/api/documents/{d}").json["status"] == "ready", 120,
                       "the pages to finish in their own process", interval_s=0.3)
            assert not other.is_active(doc_id)
    finally:
        other.jobs.shutdown()


def services_of(app: Any) -> Any:
    return app.extensions["bobao"]
