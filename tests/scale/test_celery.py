"""Scale-out on real Redis and real Celery workers: a worker killed mid-job, the job finishes on another.

The web app here only enqueues (``BROKER_URL`` set); two ``bobao worker`` processes share the
document and audio folders. One is SIGKILLed (with its pool process) while it synthesizes; Redis
redelivers the unacknowledged job to the survivor after the visibility timeout, the survivor reuses
the clips already cached, and the result is a complete, decodable MP3 with a clean cache.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from audio import ClipCache
from audio import mp3
from tests.scale.conftest import wait_until
from web import create_app
from web.core.tasks import CeleryJobs

pytestmark = pytest.mark.redis

TEXT = "区政府关于分布式朗读测试的报告\n\n" + "\n\n".join(
    f"{'一二三'[s]}、第{s + 1}部分\n\n" + "".join(f"这是第{s + 1}部分的第{i + 1}句话。" for i in range(8))
    for s in range(3)
)


def decoded_ms(path: Path) -> int:
    """Decode (``audio.mp3.decode`` fails on any decoder complaint); return the PCM duration."""
    return len(mp3.decode(path.read_bytes())) * 1000 // mp3.SAMPLE_RATE_HZ


@pytest.fixture
def web_app(monkeypatch, cluster_env, redis_url):
    for name, value in cluster_env.items():
        if name.startswith("BOBAO_"):
            monkeypatch.setenv(name, value)
    app = create_app({"TESTING": True, "BROKER_URL": redis_url, "RATE_LIMIT": "off"})
    services = app.extensions["bobao"]
    yield app
    services.jobs.shutdown()


def test_killed_worker_job_finishes_on_other_worker(web_app, start_worker, redis_url):
    workers = {w.name: w for w in (start_worker("w1"), start_worker("w2"))}
    for worker in workers.values():
        wait_until(lambda w=worker: b"ready." in w.log_path.read_bytes(), 60, f"{worker.name} to start")
    board = redis.Redis.from_url(redis_url)
    client = web_app.test_client()
    services = web_app.extensions["bobao"]

    created = client.post("/api/documents", json={"text": TEXT})
    assert created.status_code == 201, created.json
    doc_id = created.json["id"]
    total = created.json["progress"]["total"]
    assert total >= 24

    first = wait_until(lambda: board.get(f"bobao:worker:{doc_id}"), 30, "a worker to take the job")
    victim = workers[first.decode().split("@")[0]]
    wait_until(
        lambda: (client.get(f"/api/documents/{doc_id}").json["progress"]["done"] or 0) >= 4,
        30,
        "some sentences to be done",
    )
    victim.kill()
    done_at_kill = client.get(f"/api/documents/{doc_id}").json["progress"]["done"]
    assert 4 <= done_at_kill < total, "the worker must die mid-job"
    assert services.jobs.is_active(doc_id)

    wait_until(
        lambda: client.get(f"/api/documents/{doc_id}").json["status"] in ("ready", "failed"),
        90,
        "the job to finish elsewhere",
        interval_s=0.3,
    )
    manifest = client.get(f"/api/documents/{doc_id}").json
    assert manifest["status"] == "ready"
    survivor = board.get(f"bobao:worker:{doc_id}").decode()
    assert not survivor.startswith(victim.name)
    assert not services.jobs.is_active(doc_id) and services.jobs.error(doc_id) is None
    survivor_log = workers[survivor.split("@")[0]].log_path.read_text()
    assert f"job {doc_id} started on {victim.name}@test" in victim.log_path.read_text()
    assert survivor_log.count(f"job {doc_id} started") == 1, "one redelivery, no duplicate while running"
    assert f"job {doc_id} finished on {survivor}" in survivor_log

    cache = ClipCache(Path(services.cache.root))
    strict = cache.verify(grace_s=0)
    assert strict.corrupt == () and strict.checked >= total
    assert cache.verify().clean

    with client.get(manifest["audio"]["mp3"]) as mp3:
        assert mp3.status_code == 200
        path = Path(services.store.page_mp3(doc_id))
        assert path.read_bytes() == mp3.data
    page_ms = decoded_ms(path)
    clips_ms = sum(s["duration_ms"] for sec in manifest["sections"] for s in sec["sentences"])
    assert page_ms >= clips_ms
    assert abs(page_ms - manifest["audio"]["duration_ms"]) < 200


def test_failed_job_reports_its_error(web_app, start_worker):
    worker = start_worker("w1")
    wait_until(lambda: b"ready." in worker.log_path.read_bytes(), 60, "the worker to start")
    client = web_app.test_client()
    services = web_app.extensions["bobao"]
    created = client.post("/api/documents", json={"text": "这句话注定合成失败。", "engine": "failfake"})
    assert created.status_code == 201
    doc_id = created.json["id"]
    assert services.wait(doc_id, 30)
    assert "SynthesisFailed" in str(services.jobs.error(doc_id))
    assert client.get(f"/api/documents/{doc_id}").json["status"] == "failed"
    again = client.post("/api/documents", json={"text": "这句话注定合成失败。", "engine": "failfake"})
    assert again.status_code == 201 and services.wait(doc_id, 30)
    assert worker.log_path.read_text().count(f"job {doc_id} started") == 2  # a failed page can be retried


def test_create_app_uses_celery_when_a_broker_is_set(redis_url, tmp_path):
    app = create_app({"TESTING": True, "BROKER_URL": redis_url, "INSTANCE_PATH": str(tmp_path / "i")})
    assert isinstance(app.extensions["bobao"].jobs, CeleryJobs)


def test_submit_twice_is_one_job_and_pending_counts(redis_url, monkeypatch):
    jobs = CeleryJobs(redis_url)
    assert jobs.submit("a" * 24) is True
    assert jobs.submit("a" * 24) is False
    assert jobs.is_active("a" * 24)
    assert jobs.pending() == 1
    assert jobs.wait("a" * 24, timeout_s=0.3) is False
    jobs.shutdown()


LONG = "区政府关于长篇报告的说明\n\n" + "".join(f"这是长篇报告的第{i + 1}句话。" for i in range(30))
OTHER = "区政府关于另一篇报告的说明\n\n" + "".join(f"另一篇报告的第{i + 1}句话。" for i in range(30))
SHORT = "短通知。请各单位按时报送材料。"


def _done(client, doc_id, at=None):
    query = "" if at is None else f"?at={at}"
    return int(client.get(f"/api/documents/{doc_id}{query}").json["progress"]["done"])


def _first_clip(client, doc_id):
    manifest = client.get(f"/api/documents/{doc_id}").json
    first = manifest["sections"][0]["sentences"][0]
    entry = client.get(f"/api/documents/{doc_id}?at={first['id']}").json["sections"][0]["sentences"][0]
    return entry["clip"] or (entry.get("pieces") or {}).get("ready")


def test_a_short_text_speaks_within_a_sentence_while_long_pages_hold_every_worker(web_app, start_worker):
    workers = [start_worker("w1"), start_worker("w2")]
    for worker in workers:
        wait_until(lambda w=worker: b"ready." in w.log_path.read_bytes(), 60, f"{worker.name} to start")
    client = web_app.test_client()
    long_ids = [client.post("/api/documents", json={"text": text}).json["id"] for text in (LONG, OTHER)]
    for doc_id in long_ids:
        wait_until(lambda d=doc_id: _done(client, d, at=0) >= 2, 60, "both long pages to be under way")
    before = [_done(client, doc_id) for doc_id in long_ids]
    short = client.post("/api/documents", json={"text": SHORT})
    assert short.status_code == 201
    wait_until(lambda: _first_clip(client, short.json["id"]), 60, "the short text's first clip")
    gained = [_done(client, doc_id) - b for doc_id, b in zip(long_ids, before, strict=True)]
    # First-in-first-out per worker would finish a whole long page (30 sentences) first; with lanes
    # the short text's turn is taken as soon as a worker ends its sentence in flight.
    assert max(gained) <= 3, gained
    assert all(_done(client, doc_id) < 30 for doc_id in long_ids)
    services = web_app.extensions["bobao"]
    for doc_id in [*long_ids, short.json["id"]]:
        wait_until(lambda d=doc_id: client.get(f"/api/documents/{d}").json["status"] == "ready", 120,
                   "every page to finish", interval_s=0.3)
        assert not services.jobs.is_active(doc_id)
    logs = "".join(w.log_path.read_text() for w in workers)
    assert "yielded" in logs and services.jobs.pending() == 0


def test_a_seek_moves_a_celery_job_to_the_listener(web_app, start_worker):
    worker = start_worker("w1")
    wait_until(lambda: b"ready." in worker.log_path.read_bytes(), 60, "the worker to start")
    client = web_app.test_client()
    doc_id = client.post("/api/documents", json={"text": LONG}).json["id"]
    wait_until(lambda: _done(client, doc_id, at=0) >= 2, 60, "the page to be under way")
    target = client.get(f"/api/documents/{doc_id}").json["sections"][-1]["sentences"][-4]
    assert target["clip"] is None

    def target_clip():
        manifest = client.get(f"/api/documents/{doc_id}?at={target['id']}").json
        found = [s for sec in manifest["sections"] for s in sec["sentences"] if s["id"] == target["id"]]
        return found[0]["clip"] and manifest

    manifest = wait_until(target_clip, 60, "the sentence sought to")
    assert manifest["progress"]["done"] <= 8, manifest["progress"]  # it jumped; it did not read up to it


def test_turns_survive_a_killed_worker_and_every_page_finishes(web_app, start_worker, redis_url):
    workers = {w.name: w for w in (start_worker("w1"), start_worker("w2"))}
    for worker in workers.values():
        wait_until(lambda w=worker: b"ready." in w.log_path.read_bytes(), 60, f"{worker.name} to start")
    client = web_app.test_client()
    services = web_app.extensions["bobao"]
    ids = [client.post("/api/documents", json={"text": text}).json["id"] for text in (LONG, OTHER, SHORT)]
    wait_until(lambda: b"yielded" in b"".join(w.log_path.read_bytes() for w in workers.values()), 60,
               "documents to take turns")
    victim = workers["w1"]
    victim.kill()  # mid-turn or between turns: its unacknowledged message comes back to w2
    def finished(doc_id):
        return client.get(f"/api/documents/{doc_id}?at=0").json["status"] in ("ready", "failed")

    for doc_id in ids:
        wait_until(lambda d=doc_id: finished(d), 120, "every page to finish on the survivor", interval_s=0.3)
    for doc_id in ids:
        manifest = client.get(f"/api/documents/{doc_id}").json
        assert manifest["status"] == "ready", manifest.get("error")
        assert manifest["progress"]["done"] == manifest["progress"]["total"]
        assert not services.jobs.is_active(doc_id) and services.jobs.error(doc_id) is None
        page_ms = decoded_ms(Path(services.store.page_mp3(doc_id)))
        assert abs(page_ms - manifest["audio"]["duration_ms"]) < 200
    assert services.jobs.pending() == 0
    assert ClipCache(Path(services.cache.root)).verify().clean
