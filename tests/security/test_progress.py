"""Progress saving is O(n) over a document, and large finished manifests go out gzipped (item 4)."""

from __future__ import annotations

import gzip
import json

from tests.web.conftest import make_app
from web import api
from web.core.progress import ThrottledSaver


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def simulate(
    sentences: int, *, work_s: float, save_s_per_sentence: float, throttled: bool
) -> tuple[float, int]:
    """A job of ``sentences`` whose manifest costs time in proportion to its size to save."""
    clock = Clock()
    saved: list[float] = []

    def save(manifest: dict) -> None:
        cost = sentences * save_s_per_sentence  # the manifest holds every sentence from the start
        clock.now += cost
        saved.append(cost)

    on_progress = ThrottledSaver(save, clock=clock) if throttled else save
    for _ in range(sentences):
        clock.now += work_s
        on_progress({})
    return sum(saved), len(saved)


def test_saving_takes_a_bounded_share_of_the_time_however_long_the_document():
    # The document: 111,111 sentences, a 24.7 MB manifest that takes ~0.3 s to write.
    for sentences in (1_000, 10_000, 111_111):
        save_s, saves = simulate(sentences, work_s=0.05, save_s_per_sentence=2.7e-6, throttled=True)
        work_s = sentences * 0.05
        assert save_s <= 0.1 * (work_s + save_s) + sentences * 2.7e-6
        if sentences == 111_111:
            assert saves < sentences // 10
    unthrottled_s, _ = simulate(111_111, work_s=0.05, save_s_per_sentence=2.7e-6, throttled=False)
    assert unthrottled_s > 30_000  # what every-sentence saving costs: over 8 hours of writing


def test_cheap_saves_are_not_held_back():
    clock = Clock()
    saves: list[int] = []
    saver = ThrottledSaver(lambda m: saves.append(1), clock=clock)
    for _ in range(50):
        clock.now += 0.01
        saver({})
    assert len(saves) == 50  # a save that costs nothing never waits


def test_large_ready_manifest_is_sent_gzipped_from_a_stored_copy(tmp_path, monkeypatch):
    monkeypatch.setattr(api, "GZIP_STORED_MIN_BYTES", 1024)
    app = make_app(tmp_path, RATE_LIMIT="off")
    client = app.test_client()
    try:
        text = "".join(f"第{i}句话。" for i in range(60))
        created = client.post("/api/documents?wait=1", json={"text": text})
        assert created.json["status"] == "ready"
        doc_id = created.json["id"]
        plain = client.get(f"/api/documents/{doc_id}")
        zipped = client.get(f"/api/documents/{doc_id}", headers={"Accept-Encoding": "gzip"})
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert json.loads(gzip.decompress(zipped.data)) == plain.json
        stored = app.extensions["bobao"].store.dir_for(doc_id) / "manifest.json.gz"
        assert stored.is_file()
        again = client.get(f"/api/documents/{doc_id}", headers={"Accept-Encoding": "gzip"})
        assert again.data == zipped.data
        etag = again.headers["ETag"]
        assert client.get(
            f"/api/documents/{doc_id}", headers={"Accept-Encoding": "gzip", "If-None-Match": etag}
        ).status_code == 304
    finally:
        app.extensions["bobao"].jobs.shutdown()
