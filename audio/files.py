"""The one atomic file write of the tree: clips, page MP3s, manifests, lexicons, reports.

A reader sees the old file or the new one, never a part: the bytes go to a temporary sibling,
are fsynced, and the sibling is renamed over the target. The sibling's name,
``.tmp-<name>.<random>.tmp``, is what both sweeps look for (``ClipCache.verify``: the ``.tmp-``
prefix; ``web.repair``: the ``.tmp`` suffix) when a writer was killed between the two steps.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

TMP_PREFIX = ".tmp-"


def write_atomic(path: Path, data: bytes | Iterable[bytes], *, mode: int = 0o600) -> None:
    """Write ``data`` (bytes, or parts joined in order) to ``path`` atomically; raises ``OSError``.

    ``mode`` is the new file's permissions: 0600 like any temporary file, unless the caller says
    (clips and page MP3s are 0644 so a web server running as another user can send them).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:  # buffered: a page MP3 is thousands of small parts
            if mode != 0o600:
                os.fchmod(handle.fileno(), mode)
            handle.writelines((data,) if isinstance(data, bytes) else data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
