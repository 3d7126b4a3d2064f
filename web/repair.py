"""Leftovers of interrupted document writes, for ``bobao cache verify [--repair]``.

Manifests, sources and page MP3s are written to a temporary sibling (``.manifest.json.<random>.tmp``,
see ``web.core.documents``) and renamed; kill -9 between the two leaves the temporary file, and a big
document's can be 25 MB. The clip cache finds its own leftovers (``ClipCache.verify``); these are
the document folder's. Files younger than the grace period may belong to a writer still running.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

GRACE_S = 300.0


@dataclass(frozen=True, slots=True)
class DocumentSweep:
    """Temporary files found under the document folder; with ``repaired`` they have been removed."""

    partials: tuple[Path, ...]
    size_bytes: int
    repaired: bool

    @property
    def clean(self) -> bool:
        return not self.partials


def sweep_documents(root: Path, *, repair: bool = False, grace_s: float = GRACE_S) -> DocumentSweep:
    """Find (and with ``repair`` remove) stale ``.*.tmp`` files anywhere under ``root``."""
    cutoff = time.time() - grace_s
    found: list[Path] = []
    size = 0
    if root.is_dir():
        for path in sorted(root.rglob(".*.tmp")):
            try:
                stat = path.stat()
            except FileNotFoundError:  # its writer just finished and renamed it
                continue
            if path.is_file() and stat.st_mtime < cutoff:
                found.append(path)
                size += stat.st_size
    if repair:
        for path in found:
            path.unlink(missing_ok=True)
    return DocumentSweep(tuple(found), size, repair)
