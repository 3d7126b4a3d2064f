"""Progress saving that costs O(n) over a document, not O(n²).

The job reports progress after every sentence, and a manifest holds every sentence: rewriting it
each time is quadratic (111,111 sentences and a 24.7 MB manifest came to about 26 hours of
writes). ``ThrottledSaver`` saves at once when a save is cheap and otherwise waits so that saving
takes at most ``budget`` of the wall time: a 0.3 s save is followed by at least 3 s without one.
Time spent saving is then bounded by a fraction of the synthesis time, which is itself linear in
the document. The job's final save (ready or failed) is never skipped: it is not made through here.
Each call is also where a job notices that the server is stopping (``web.core.lifecycle``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from web.core.lifecycle import check_stop
from web.core.manifest import Manifest

DEFAULT_BUDGET = 0.1


class ThrottledSaver:
    """``save(manifest)``, skipped while the previous save's share of the time would exceed ``budget``."""

    def __init__(
        self,
        save: Callable[[Manifest], None],
        *,
        budget: float = DEFAULT_BUDGET,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._save = save
        self._budget = budget
        self._clock = clock
        self._next_s = float("-inf")
        self.saves = 0
        self.skipped = 0

    def __call__(self, manifest: Manifest) -> None:
        check_stop()  # between sentences: a stopping server leaves the document to be resumed
        started = self._clock()
        if started < self._next_s:
            self.skipped += 1
            return
        self._save(manifest)
        self.saves += 1
        took = self._clock() - started
        self._next_s = started + took / self._budget
