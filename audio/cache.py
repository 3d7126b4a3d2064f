"""ClipCache: content-addressed, atomic, checksummed storage of canonical MP3 clips.

Layout: ``root/ab/<key>.mp3`` plus a ``<key>.json`` sidecar (duration, marks, sha256 of the MP3,
the engine and voice that actually spoke, creation time). The sidecar is written last, so an entry
exists only once both files are complete; a crash leaves at most a temp file or a sidecar-less MP3,
which ``get`` never serves and ``verify`` reports. The sidecar's mtime is the last-access time used
for least-recently-used eviction (touching it is cheaper than rewriting it on every hit).

Eviction never takes a clip that a running job still needs: inside ``with cache.hold():`` every
clip got or put is pinned until the block ends, so a document whose own clips exceed a small cap
is still assembled (the cap is then exceeded for that long, and restored by the next put).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import threading
import time
from collections.abc import Iterator
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import replace
from pathlib import Path

from audio.engines import Engine
from audio.errors import CacheError
from audio.errors import EngineUnavailable
from audio.files import TMP_PREFIX
from audio.files import write_atomic
from audio.model import AudioClip
from audio.model import Mark
from audio.model import Speech
from audio.model import SpeechParams
from audio.mp3 import check_canonical
from audio.mp3 import frames_to_ms

FORMAT = "mp3-mpeg2-l3-24khz-mono-48k/1"


@dataclass(frozen=True, slots=True)
class CacheStats:
    entries: int
    total_bytes: int
    max_bytes: int | None


@dataclass(frozen=True, slots=True)
class PruneResult:
    removed_entries: int
    removed_bytes: int
    remaining_bytes: int


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """What ``verify`` found; with ``repaired`` the listed files have been removed."""

    checked: int
    partials: tuple[Path, ...]  # temp files of interrupted writes
    orphans: tuple[Path, ...]  # an MP3 without sidecar or a sidecar without MP3
    corrupt: tuple[Path, ...]  # checksum mismatch or unreadable sidecar
    repaired: bool

    @property
    def clean(self) -> bool:
        return not (self.partials or self.orphans or self.corrupt)


def cache_key(
    *,
    engine: str,
    engine_version: str,
    params: SpeechParams,
    text: str,
    extra: Mapping[str, str] | None = None,
) -> str:
    """sha256 over the canonical JSON of everything that changes the audio bytes."""
    fields = {
        "format": FORMAT,
        "engine": engine,
        "engine_version": engine_version,
        "voice": params.voice,
        "rate": params.rate,
        "pitch": params.pitch,
        "volume": params.volume,
        "text": text,
        "extra": dict(sorted((extra or {}).items())),
    }
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ClipCache:
    """Clips on disk under ``root``, capped at ``max_bytes`` (``None``: unbounded)."""

    def __init__(self, root: Path | str, *, max_bytes: int | None = None) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._total_bytes: int | None = None  # counted lazily, then kept up to date on put/remove
        self._holds: dict[int, set[str]] = {}  # open hold() blocks -> keys used while open
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CacheError(f"cannot create audio cache directory {self.root}: {exc.strerror}") from exc

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Pin every clip got or put while the block runs (by any thread) against eviction."""
        held: set[str] = set()
        with self._lock:
            self._holds[id(held)] = held
        try:
            yield
        finally:
            with self._lock:
                del self._holds[id(held)]

    def pinned(self) -> frozenset[str]:
        """Keys that eviction must leave alone right now."""
        with self._lock:
            return frozenset().union(*self._holds.values())

    def _note_use(self, key: str) -> None:
        with self._lock:
            for held in self._holds.values():
                held.add(key)

    def key_for(
        self, engine: Engine, params: SpeechParams, text: str, *, extra: Mapping[str, str] | None = None
    ) -> str:
        # An engine whose reading of a text depends on a lexicon names the entries that text holds,
        # so a lexicon edit re-renders only the clips of texts holding an edited word.
        stamp = engine.reading_version(text)
        if stamp:
            extra = {**(extra or {}), "reading": stamp}
        return cache_key(
            engine=engine.name, engine_version=engine.version, params=params, text=text, extra=extra
        )

    def lookup_keys(
        self, engine: Engine, params: SpeechParams, text: str, *, extra: Mapping[str, str] | None = None
    ) -> list[str]:
        """Where a clip for ``text`` may already be stored, best first.

        A plain engine has one key. An engine made of members (``auto``) says through
        ``lookup_order(params)`` which members and voices could answer right now; its clips are stored
        under those members' own keys (see ``store_key``).
        """
        members = engine.lookup_order(params)
        return [self.key_for(member, member_params, text, extra=extra) for member, member_params in members]

    def store_key(
        self,
        engine: Engine,
        params: SpeechParams,
        text: str,
        speech: Speech,
        *,
        extra: Mapping[str, str] | None = None,
    ) -> str:
        """The key to store ``speech`` under: that of the engine and voice that really spoke.

        A member of a composite engine is keyed as itself, so the edge voice and the offline
        fallback never share a key and ``--engine offline`` reuses the fallback's clips. A foreign
        label from a plain engine gets a key that no lookup ever produces, so such a clip is served
        by its key only and the engine is asked again next time.
        """
        if speech.engine == engine.name:
            return self.key_for(engine, params, text, extra=extra)
        try:
            member = engine.engine_for(speech.engine)
        except EngineUnavailable:
            member = None
        if member is not None:
            spoken = replace(params, voice=speech.voice or params.voice)
            return self.key_for(member, spoken, text, extra=extra)
        return cache_key(
            engine=speech.engine,
            engine_version=f"fallback-for:{engine.name}/{engine.version}",
            params=replace(params, voice=speech.voice or params.voice),
            text=text,
            extra=extra,
        )

    def path_for(self, key: str) -> Path:
        """Where the clip's MP3 lives (it may not exist)."""
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise CacheError(f"not a cache key: {key!r}")
        return self.root / key[:2] / f"{key}.mp3"

    def get(self, key: str) -> AudioClip | None:
        """The stored clip, or ``None`` on a miss; a corrupt entry is removed and counts as a miss."""
        mp3_path = self.path_for(key)
        sidecar = mp3_path.with_suffix(".json")
        try:
            meta = json.loads(sidecar.read_text("utf-8"))
            data = mp3_path.read_bytes()
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            self._remove(key)
            return None
        if not isinstance(meta, dict) or hashlib.sha256(data).hexdigest() != meta.get("sha256"):
            self._remove(key)
            return None
        try:
            clip = _clip_from(key, mp3_path, meta)
        except (KeyError, TypeError, ValueError, IndexError):
            self._remove(key)  # a sidecar from a foreign or damaged writer
            return None
        _touch(sidecar)
        self._note_use(key)
        return clip

    def put(self, key: str, speech: Speech) -> AudioClip:
        """Store canonical ``speech`` under ``key`` atomically and return it as a clip."""
        frames = check_canonical(speech.mp3)
        mp3_path = self.path_for(key)
        meta = {
            "format": FORMAT,
            "key": key,
            "duration_ms": frames_to_ms(frames),
            "marks": [[m.start_ms, m.duration_ms, m.text] for m in speech.marks],
            "sha256": hashlib.sha256(speech.mp3).hexdigest(),
            "size_bytes": len(speech.mp3),
            "engine": speech.engine,
            "voice": speech.voice,
            "created": time.time(),
        }
        sidecar_bytes = json.dumps(meta, ensure_ascii=False).encode("utf-8")
        existed = mp3_path.with_suffix(".json").exists()
        if existed:
            # Hide the old entry first: a crash between the two renames must not pair an old
            # sidecar with new MP3 bytes.
            try:
                mp3_path.with_suffix(".json").unlink(missing_ok=True)
            except OSError as exc:
                raise CacheError(f"cannot replace cache entry {key}: {exc.strerror or exc}") from exc
        self._note_use(key)  # before it exists: a concurrent prune must not take it
        _atomic_write(mp3_path, speech.mp3)
        _atomic_write(mp3_path.with_suffix(".json"), sidecar_bytes)
        if not existed:
            self._grow(len(speech.mp3) + len(sidecar_bytes), keep=key)
        return _clip_from(key, mp3_path, meta)

    def stats(self) -> CacheStats:
        entries = list(self._entries())
        return CacheStats(len(entries), sum(size for _, _, size in entries), self.max_bytes)

    def prune(self, max_bytes: int | None = None, *, keep: str | None = None) -> PruneResult:
        """Evict least-recently-used entries until the cache holds at most ``max_bytes``."""
        limit = self.max_bytes if max_bytes is None else max_bytes
        pinned = self.pinned()
        entries = sorted(self._entries(), key=lambda entry: entry[1])
        total = sum(size for _, _, size in entries)
        removed = removed_bytes = 0
        for key, _, size in entries:
            if limit is None or total <= limit:
                break
            if key == keep or key in pinned:
                continue
            self._remove(key)
            total -= size
            removed, removed_bytes = removed + 1, removed_bytes + size
        with self._lock:
            self._total_bytes = total
        return PruneResult(removed, removed_bytes, total)

    def verify(self, repair: bool = False, *, grace_s: float = 300.0) -> VerifyReport:
        """Check every entry's checksum and find leftovers of interrupted writes.

        Temp files and sidecar-less MP3s younger than ``grace_s`` may belong to a writer that is still
        running, so they are neither reported nor removed.
        """
        partials: list[Path] = []
        orphans: list[Path] = []
        corrupt: list[Path] = []
        checked = 0
        stale_before = time.time() - grace_s
        for shard in self._shards():
            for path in sorted(shard.iterdir()):
                if path.name.startswith(TMP_PREFIX):
                    if _older_than(path, stale_before):
                        partials.append(path)
                elif path.suffix == ".mp3" and not path.with_suffix(".json").exists():
                    if _older_than(path, stale_before):
                        orphans.append(path)
                elif path.suffix == ".json" and not path.with_suffix(".mp3").exists():
                    orphans.append(path)
                elif path.suffix == ".json":
                    checked += 1
                    if not _entry_intact(path):
                        corrupt.extend((path.with_suffix(".mp3"), path))
        if repair:
            for path in (*partials, *orphans, *corrupt):
                path.unlink(missing_ok=True)
            with self._lock:
                self._total_bytes = None
        return VerifyReport(checked, tuple(partials), tuple(orphans), tuple(corrupt), repair)

    def _shards(self) -> Iterator[Path]:
        if self.root.is_dir():
            yield from (p for p in sorted(self.root.iterdir()) if p.is_dir() and len(p.name) == 2)

    def _entries(self) -> Iterator[tuple[str, float, int]]:
        """(key, last access, bytes) of every complete entry."""
        for shard in self._shards():
            for sidecar in shard.glob("*.json"):
                try:
                    stat = sidecar.stat()
                    size = stat.st_size + sidecar.with_suffix(".mp3").stat().st_size
                except FileNotFoundError:
                    continue
                yield sidecar.stem, stat.st_mtime, size

    def _grow(self, added: int, *, keep: str) -> None:
        if self.max_bytes is None:
            return
        with self._lock:
            if self._total_bytes is None:
                self._total_bytes = sum(size for _, _, size in self._entries())
            else:
                self._total_bytes += added
            over = self._total_bytes > self.max_bytes
        if over:
            # Evict down to 90 % so that a full cache does not rescan on every put.
            self.prune(self.max_bytes * 9 // 10, keep=keep)

    def _remove(self, key: str) -> None:
        mp3_path = self.path_for(key)
        # The sidecar goes first: without it the entry is already invisible to get().
        for path in (mp3_path.with_suffix(".json"), mp3_path):
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass
        with self._lock:
            self._total_bytes = None


def _clip_from(key: str, path: Path, meta: Mapping[str, object]) -> AudioClip:
    marks = tuple(Mark(int(m[0]), int(m[1]), str(m[2])) for m in meta.get("marks") or ())  # type: ignore[attr-defined]
    return AudioClip(
        key=key,
        path=path,
        duration_ms=int(meta["duration_ms"]),  # type: ignore[call-overload]
        marks=marks,
        engine=str(meta.get("engine", "")),
        voice=str(meta.get("voice", "")),
    )


def _entry_intact(sidecar: Path) -> bool:
    try:
        meta = json.loads(sidecar.read_text("utf-8"))
        data = sidecar.with_suffix(".mp3").read_bytes()
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and hashlib.sha256(data).hexdigest() == meta.get("sha256")


def _older_than(path: Path, cutoff: float) -> bool:
    try:
        return path.stat().st_mtime <= cutoff
    except FileNotFoundError:
        return False  # finished or removed while we looked


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass  # a read-only cache still serves; it just stops tracking recency


def _atomic_write(path: Path, data: bytes) -> None:
    """Write via a temp file in the same directory, fsync, then rename over ``path``."""
    try:
        write_atomic(path, data, mode=0o644)  # 0600 would hide clips from a web server of another user
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise CacheError(f"audio cache disk is full: cannot write {path.name} in {path.parent}") from exc
        raise CacheError(f"cannot write audio cache file {path}: {exc.strerror or exc}") from exc
