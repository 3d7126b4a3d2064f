"""DocumentStore: one folder per document id holding its manifest, source and assembled audio.

Layout under ``root``::

    <doc_id>/manifest.json     the manifest served by the API (see docs/architecture.md)
    <doc_id>/source.json       {"kind": "text"|"html"|"url", "content": …, "url": …, "content_type": …}
    <doc_id>/page.mp3 page.vtt sections/<n>.mp3
    <doc_id>/.lock .claim      OS file locks: a turn of work holds .lock; the process that has the
                               document queued or running holds .claim (see ``claim``)

Ids are validated by a strict regex before any path is built, so no request can name a path outside
``root``. Every write goes to a temporary file in the same folder and is renamed into place, so a
reader (or a crash) never sees half a file.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from typing import cast

from audio import write_atomic
from web.core.errors import DocumentNotFound
from web.core.manifest import DOC_ID_PATTERN
from web.core.manifest import Manifest

DOC_ID_RE = re.compile(DOC_ID_PATTERN)
CLAIM_ATTEMPTS = 3


def make_doc_id(kind: str, content: str, *, engine: str, voice: str, rate: int, normalizer: str) -> str:
    """The first 24 hex digits of a sha256 over the input and everything that changes its audio."""
    parts = (kind, content, engine, voice, str(rate), normalizer)
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()
    return digest[:24]


def is_doc_id(value: str) -> bool:
    """True when ``value`` is exactly a well-formed document id."""
    return DOC_ID_RE.fullmatch(value) is not None


class Claim:
    """A held document claim (see ``DocumentStore.claim``); ``release`` gives it up."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


class DocumentStore:
    """Manifests, sources and audio files of documents, keyed by validated document id."""

    def __init__(self, root: Path) -> None:
        self._claim_lock = threading.Lock()
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def dir_for(self, doc_id: str) -> Path:
        """The folder of ``doc_id``; raises DocumentNotFound for anything that is not an id."""
        if not is_doc_id(doc_id):
            raise DocumentNotFound(doc_id)
        return self.root / doc_id

    def exists(self, doc_id: str) -> bool:
        return is_doc_id(doc_id) and (self.root / doc_id / "manifest.json").is_file()

    def load(self, doc_id: str) -> Manifest:
        """The stored manifest; DocumentNotFound when there is none."""
        path = self.dir_for(doc_id) / "manifest.json"
        try:
            return cast(Manifest, json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise DocumentNotFound(doc_id) from None

    def save(self, manifest: Manifest) -> None:
        """Store ``manifest`` under its ``id``, atomically."""
        data = json.dumps(manifest, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        write_atomic(self.dir_for(manifest["id"]) / "manifest.json", data)

    def save_source(
        self, doc_id: str, kind: str, content: str, url: str | None = None, content_type: str | None = None
    ) -> None:
        payload = {"kind": kind, "content": content, "url": url, "content_type": content_type}
        write_atomic(
            self.dir_for(doc_id) / "source.json", json.dumps(payload, ensure_ascii=False).encode()
        )

    def load_source(self, doc_id: str) -> dict[str, Any]:
        path = self.dir_for(doc_id) / "source.json"
        try:
            return cast(dict[str, Any], json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise DocumentNotFound(doc_id) from None

    def page_mp3(self, doc_id: str) -> Path:
        return self.dir_for(doc_id) / "page.mp3"

    def page_vtt(self, doc_id: str) -> Path:
        return self.dir_for(doc_id) / "page.vtt"

    def section_mp3(self, doc_id: str, index: int) -> Path:
        if index < 0:
            raise DocumentNotFound(f"{doc_id}/sections/{index}")
        return self.dir_for(doc_id) / "sections" / f"{int(index)}.mp3"

    @contextlib.contextmanager
    def lock(self, doc_id: str) -> Iterator[bool]:
        """Hold the document's work lock if no other process or thread does; yields whether it got it.

        An OS file lock, so it is shared by every server process on the machine and vanishes with a
        process that dies: a crashed job never blocks a later one.
        """
        path = self.dir_for(doc_id) / ".lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def is_locked(self, doc_id: str) -> bool:
        """True while some process works on ``doc_id`` or holds its claim (has it queued)."""
        with self.lock(doc_id) as got_it:
            if not got_it:
                return True
        claim = self.claim(doc_id)
        if claim is None:
            return True
        claim.release()
        return False

    def claim(self, doc_id: str) -> Claim | None:
        """Claim ``doc_id`` for this process's job queue; None when another process (or queue) has it.

        Between two turns of a job the work lock is free, but the document is still queued in its
        process: the claim, a second OS file lock held from submit until the job ends, tells other
        server processes so, and vanishes with a process that dies.
        """
        path = self.dir_for(doc_id) / ".claim"
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._claim_lock:  # a probe (is_locked) in another thread must not beat a real claim
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            for attempt in range(CLAIM_ATTEMPTS):  # another process's probe holds it for a moment
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return Claim(fd)
                except BlockingIOError:
                    if attempt + 1 < CLAIM_ATTEMPTS:
                        time.sleep(0.005)
            os.close(fd)
            return None

    def ids(self) -> list[str]:
        """Every stored document id."""
        if not self.root.is_dir():
            return []
        return sorted(
            p.name for p in self.root.iterdir() if is_doc_id(p.name) and (p / "manifest.json").is_file()
        )
