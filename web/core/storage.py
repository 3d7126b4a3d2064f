"""A full disk is a bad day, not a crash: what it means for requests and for accepted documents.

* A request that needs to write (a new document) gets 503 ``storage_error`` with Retry-After;
  everything already stored (finished audio, manifests) is still served.
* A document whose job ran out of space ends ``failed`` with the reason ``storage_full``, even
  when the disk is too full to record that (the job runner remembers the error in memory). It is
  not re-queued on every GET while the disk stays full, and is retried on the first GET after
  space returns.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from web.core.manifest import Manifest

DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
RETRY_AFTER_S = 60
STORAGE_FULL = "storage_full"


def is_disk_full(error: BaseException | None) -> bool:
    """True when ``error``, or an error it was raised from, is "no space left" (or over quota)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS:
            return True
        error = error.__cause__ or error.__context__
    return False


def writable(root: Path) -> bool:
    """Whether a small file can be created in ``root`` (made if missing) right now."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=root, prefix=".space-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError:
        return False
    return True


def failed_for_space(manifest: Manifest, last_error: BaseException | None) -> bool:
    """The document's last run ended for want of space (recorded, or only remembered in memory)."""
    if manifest.get("status") == "failed":
        return manifest.get("error") == STORAGE_FULL
    return manifest.get("status") in ("pending", "synthesizing") and is_disk_full(last_error)


def as_failed(manifest: Manifest) -> Manifest:
    """The manifest as its client should see it while the disk stays full."""
    return {
        **manifest,
        "status": "failed",
        "error": STORAGE_FULL,
        "message": "the server's disk is full; this document is retried once space returns",
    }
