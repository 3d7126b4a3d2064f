"""A document refused with 503 (queue full) leaves nothing behind to be resumed later.

Otherwise a flood of refused requests piles up pending documents on disk that a restart would
then synthesize, all of them (found by bench/soak.py: 3,000 refused documents resumed).
"""

from __future__ import annotations

import time
from pathlib import Path

from tests.web.conftest import make_app
from web.core import lifecycle


def test_refused_documents_are_not_stored(tmp_path):
    app = make_app(tmp_path, RATE_LIMIT="off", TTS_ENGINE="slowfake", JOB_WORKERS=1, JOB_QUEUE_SIZE=1)
    client = app.test_client()
    try:
        statuses = [
            client.post("/api/documents", json={"text": f"第{i}篇。" + "一句话。" * 5}).status_code
            for i in range(5)
        ]
        assert statuses.count(503) >= 2 and statuses[:2] == [201, 201]
        stored = sorted(p.parent.name for p in Path(app.config["DOCUMENT_DIR"]).glob("*/manifest.json"))
        assert len(stored) == statuses.count(201)
    finally:
        app.extensions["bobao"].jobs.shutdown(timeout_s=1)


def test_resuming_feeds_a_bounded_queue_until_every_document_is_queued(tmp_path):
    app = make_app(tmp_path, RATE_LIMIT="off", JOB_WORKERS=1, JOB_QUEUE_SIZE=1)
    services = app.extensions["bobao"]
    store = services.store
    ids = _pending_documents(app, 6)
    thread = lifecycle.resume_unfinished(services, retry_s=0.05)
    thread.join(30)
    assert not thread.is_alive()  # every document went into the one-place queue in turn
    deadline = time.monotonic() + 30
    while {store.load(i)["status"] for i in ids} != {"ready"} and time.monotonic() < deadline:
        time.sleep(0.05)
    services.jobs.shutdown(timeout_s=5)
    assert {store.load(i)["status"] for i in ids} == {"ready"}


def _pending_documents(app, count: int) -> list[str]:
    """Documents accepted by a server that then stopped before reading them."""
    client = app.test_client()
    services = app.extensions["bobao"]
    ids = []
    for i in range(count):
        manifest = client.post("/api/documents?wait=1", json={"text": f"第{i}篇，先读完。"}).json
        ids.append(manifest["id"])
    for doc_id in ids:  # as a stop would leave them
        manifest = services.store.load(doc_id)
        manifest["status"] = "pending"
        services.store.save(manifest)
    return ids
