"""A small cache cap does not evict a document's own clips while it is assembled (item 13)."""

from __future__ import annotations

from audio import SpeechParams
from tests.fakes import create
from tests.fakes import expected_ms
from tests.web.conftest import decode_mp3
from tests.web.conftest import make_app

SENTENCES = [f"第{i}句话比较长一些，用来占满很小的缓存。" for i in range(40)]


def test_document_larger_than_the_cache_cap_is_assembled(tmp_path):
    app = make_app(tmp_path, RATE_LIMIT="off", AUDIO_CACHE_MAX_BYTES=60_000)
    client = app.test_client()
    try:
        manifest = client.post("/api/documents?wait=1", json={"text": "".join(SENTENCES)}).json
        assert manifest["status"] == "ready", manifest.get("error")
        audio = client.get(f"/documents/{manifest['id']}.mp3")
        assert audio.status_code == 200
        seconds = len(decode_mp3(audio.data)) / 24_000
        assert seconds * 1000 >= sum(expected_ms(s) for s in SENTENCES) * 0.95
        cache = app.extensions["bobao"].cache
        assert cache.stats().total_bytes > 60_000  # the cap gave way while the page was being made
        client.post("/api/documents?wait=1", json={"text": "缓存上限恢复。"})
        assert cache.stats().total_bytes <= 60_000  # and holds again once the job let go
    finally:
        app.extensions["bobao"].jobs.shutdown()


def test_held_clips_survive_a_prune_and_are_released_after(tmp_path):
    from audio import ClipCache

    engine = create()
    params = SpeechParams(voice="fake-female")
    cache = ClipCache(tmp_path / "audio", max_bytes=None)
    keys = []
    with cache.hold():
        for text in ("第一句。", "第二句。"):
            key = cache.key_for(engine, params, text)
            cache.put(key, engine.synthesize(text, params))
            keys.append(key)
        assert cache.prune(0).removed_entries == 0
        assert all(cache.get(k) is not None for k in keys)
    assert cache.pinned() == frozenset()
    assert cache.prune(0).removed_entries == 2
