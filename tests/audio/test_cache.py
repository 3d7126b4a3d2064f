from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from audio import CacheError
from audio import ClipCache
from audio import Speech
from audio import SynthesisFailed
from audio.mp3 import decode
from audio.mp3 import silence
from tests.audio.core_fixtures import PARAMS
from tests.audio.core_fixtures import make_clips
from tests.fakes import ToneEngine

ROOT = Path(__file__).resolve().parents[2]


def speech(text: str) -> Speech:
    return ToneEngine().synthesize(text, PARAMS)


@pytest.fixture
def cache(tmp_path):
    return ClipCache(tmp_path / "cache")


def test_key_depends_on_everything_that_changes_audio(cache):
    engine = ToneEngine()
    base = cache.key_for(engine, PARAMS, "你好")
    variants = [
        cache.key_for(engine, PARAMS, "你好。"),
        cache.key_for(engine, replace(PARAMS, voice="fake-male"), "你好"),
        cache.key_for(engine, replace(PARAMS, rate=10), "你好"),
        cache.key_for(engine, replace(PARAMS, pitch=5), "你好"),
        cache.key_for(engine, replace(PARAMS, volume=-5), "你好"),
        cache.key_for(engine, PARAMS, "你好", extra={"normalizer": "2"}),
    ]
    other = ToneEngine()
    other.version = "fake-2"
    variants.append(cache.key_for(other, PARAMS, "你好"))
    assert len({base, *variants}) == len(variants) + 1
    assert cache.key_for(engine, PARAMS, "你好") == base
    assert cache.key_for(engine, PARAMS, "x", extra={"a": "1", "b": "2"}) == cache.key_for(
        engine, PARAMS, "x", extra={"b": "2", "a": "1"}
    )


def test_put_then_get_round_trips(cache):
    key = cache.key_for(ToneEngine(), PARAMS, "第一句。")
    stored = cache.put(key, speech("第一句。"))
    loaded = cache.get(key)
    assert loaded == stored
    assert loaded.path == cache.path_for(key) and loaded.path.parent.name == key[:2]
    assert loaded.marks[0].text == "第一句。"
    assert (loaded.engine, loaded.voice) == ("fake", "fake-female")
    assert loaded.duration_ms == len(loaded.path.read_bytes()) // 144 * 24
    assert len(decode(loaded.path.read_bytes())) > 0


def test_miss_and_bad_key(cache):
    assert cache.get("0" * 64) is None
    with pytest.raises(CacheError):
        cache.get("../../etc/passwd")


def test_non_canonical_speech_is_refused(cache):
    with pytest.raises(SynthesisFailed):
        cache.put("a" * 64, Speech(mp3=b"ID3 not audio"))
    assert cache.stats().entries == 0


@pytest.mark.parametrize("damage", ["flip", "truncate", "sidecar", "fields"])
def test_corrupt_entry_is_a_miss_and_is_rebuilt(cache, damage):
    engine = ToneEngine()
    clip = make_clips(cache, ["一段会被损坏的文字。"], engine)[0]
    if damage == "flip":
        data = bytearray(clip.path.read_bytes())
        data[500] ^= 0xFF
        clip.path.write_bytes(bytes(data))
    elif damage == "truncate":
        clip.path.write_bytes(clip.path.read_bytes()[:300])
    elif damage == "sidecar":
        clip.path.with_suffix(".json").write_text("{not json", encoding="utf-8")
    else:
        sha = hashlib.sha256(clip.path.read_bytes()).hexdigest()
        clip.path.with_suffix(".json").write_text(json.dumps({"sha256": sha}), encoding="utf-8")
    assert cache.verify().corrupt or damage in ("sidecar", "fields")
    assert cache.get(clip.key) is None
    assert not clip.path.exists()
    rebuilt = make_clips(cache, ["一段会被损坏的文字。"], engine)[0]
    assert len(engine.calls) == 2
    assert cache.get(rebuilt.key) is not None and cache.verify().clean


def test_verify_finds_and_repairs_leftovers(cache):
    clip = make_clips(cache, ["好的。"])[0]
    shard = clip.path.parent
    (shard / ".tmp-abc").write_bytes(b"partial")
    orphan_mp3 = shard / f"{'b' * 64}.mp3"
    orphan_mp3.write_bytes(silence(100))
    orphan_json = shard / f"{'c' * 64}.json"
    orphan_json.write_text("{}", encoding="utf-8")
    # Fresh leftovers may belong to a writer that is still running.
    assert cache.verify().partials == ()
    report = cache.verify(grace_s=0)
    assert report.checked == 1
    assert report.partials == (shard / ".tmp-abc",)
    assert set(report.orphans) == {orphan_mp3, orphan_json}
    assert not report.clean
    assert cache.verify(repair=True, grace_s=0).repaired
    assert cache.verify(grace_s=0).clean
    assert cache.get(clip.key) is not None


def test_stats_and_prune_evict_least_recently_used(cache):
    clips = make_clips(cache, [f"第{i}句，长度差不多。" for i in range(5)])
    for age, clip in enumerate(clips):
        stamp = time.time() - 1000 + age * 10  # clip 0 is the oldest
        os.utime(clip.path.with_suffix(".json"), (stamp, stamp))
    assert cache.get(clips[0].key) is not None  # a hit makes clip 0 the most recent
    before = cache.stats()
    assert before.entries == 5
    entry_bytes = before.total_bytes // 5
    result = cache.prune(before.total_bytes - entry_bytes * 2 + 10)
    assert result.removed_entries == 2
    survivors = {clip.key for clip in clips if cache.get(clip.key) is not None}
    assert survivors == {clips[0].key, clips[3].key, clips[4].key}
    assert cache.stats().total_bytes == result.remaining_bytes


def test_size_cap_applies_on_put(tmp_path):
    one = ClipCache(tmp_path / "probe")
    make_clips(one, ["探测。"])
    entry_bytes = one.stats().total_bytes
    capped = ClipCache(tmp_path / "capped", max_bytes=entry_bytes * 4)
    make_clips(capped, [f"第{i}句。" for i in range(12)])
    stats = capped.stats()
    assert 1 <= stats.entries <= 4
    assert stats.total_bytes <= entry_bytes * 4


@pytest.fixture
def tiny_disk(tmp_path):
    """A 256 KiB tmpfs when mounting is allowed; otherwise the OS write call fails with ENOSPC."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount_point)],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    yield mount_point, mounted
    if mounted:
        subprocess.run(["umount", str(mount_point)], check=False)


def test_disk_full_is_a_cache_error_and_keeps_old_entries(tiny_disk, monkeypatch):
    mount_point, mounted = tiny_disk
    cache = ClipCache(mount_point / "cache")
    engine = ToneEngine()
    kept = make_clips(cache, ["满之前的第一句。", "满之前的第二句。"], engine)
    if not mounted:

        def full(fd, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "write", full)
    with pytest.raises(CacheError, match="full"):
        for i in range(400):  # about 4 KB each: more than the 256 KiB disk holds
            make_clips(cache, [f"第{i}句，一直写到磁盘满为止，这句话要足够长才行。"], engine)
    monkeypatch.undo()
    print("real tmpfs:", mounted)
    assert all(cache.get(clip.key) == clip for clip in kept)
    report = cache.verify(grace_s=0)
    assert report.corrupt == () and report.partials == ()


_WRITER = """
import sys
from audio import ClipCache, SpeechParams
from tests.fakes import ToneEngine
cache, engine, params = ClipCache(sys.argv[1]), ToneEngine(), SpeechParams("fake-female")
speeches = [engine.synthesize("写" * (20 + i), params) for i in range(8)]
print("ready", flush=True)
n = 0
while True:
    n += 1
    cache.put(cache.key_for(engine, params, f"{n}"), speeches[n % 8])
"""


def _entries_on_disk(root: Path) -> int:
    return sum(1 for _ in root.glob("*/*.json"))


def test_killing_a_writer_never_leaves_a_corrupt_entry(tmp_path):
    root = tmp_path / "cache"
    rng = random.Random(4)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(6):
        before = _entries_on_disk(root)
        child = subprocess.Popen([sys.executable, "-c", _WRITER, str(root)], stdout=subprocess.PIPE, env=env)
        assert child.stdout is not None and child.stdout.readline().strip() == b"ready"
        deadline = time.monotonic() + 30
        while _entries_on_disk(root) < before + 5 and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.03))  # then kill at an arbitrary point of a write
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
    cache = ClipCache(root)
    report = cache.verify(grace_s=0)
    print("leftovers after kills:", len(report.partials), len(report.orphans), "entries:", report.checked)
    assert report.checked >= 30
    assert report.corrupt == ()
    cache.verify(repair=True, grace_s=0)
    assert cache.verify(grace_s=0).clean
    assert cache.stats().entries == report.checked


def test_unwritable_root_is_a_cache_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CacheError, match="cannot create"):
        ClipCache(blocker / "cache")


def test_a_plain_engine_is_looked_up_and_stored_under_its_own_key(cache):
    engine = ToneEngine()
    own = cache.key_for(engine, PARAMS, "第一句。")
    assert cache.lookup_keys(engine, PARAMS, "第一句。") == [own]
    spoken = engine.synthesize("第一句。", PARAMS)
    assert cache.store_key(engine, PARAMS, "第一句。", spoken) == own


def test_a_foreign_label_is_stored_where_no_lookup_finds_it(cache):
    engine = ToneEngine(fallback_as="other")
    spoken = engine.synthesize("第一句。", PARAMS)
    key = cache.store_key(engine, PARAMS, "第一句。", spoken, extra={"normalizer": "1"})
    assert key not in cache.lookup_keys(engine, PARAMS, "第一句。", extra={"normalizer": "1"})
    assert key != cache.key_for(ToneEngine(), PARAMS, "第一句。", extra={"normalizer": "1"})
    assert cache.put(key, spoken).engine == "other"
