"""Guards for engines that talk to a remote service: a circuit breaker and backoff delays.

The breaker exists so that an unreachable service costs one failure, not one timeout per sentence:
once open, callers fail fast for ``cooldown_s`` and a fallback engine can take over at once.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator

from audio.errors import EngineUnavailable


class CircuitBreaker:
    """Counts consecutive failures; after ``threshold`` of them, refuses calls for ``cooldown_s``.

    After the cool-down one trial call is let through (half-open); its success closes the breaker,
    its failure opens it again for another cool-down.
    """

    def __init__(
        self,
        *,
        threshold: int = 3,
        cooldown_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if threshold < 1:
            raise ValueError("threshold must be at least 1")
        self.threshold = threshold
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._open_until = 0.0
        self._reason = ""

    @property
    def is_open(self) -> bool:
        """True while calls are refused."""
        with self._lock:
            return self._clock() < self._open_until

    def check(self, what: str) -> None:
        """Raise ``EngineUnavailable`` at once while the breaker is open."""
        with self._lock:
            remaining = self._open_until - self._clock()
            reason = self._reason
        if remaining > 0:
            raise EngineUnavailable(
                f"{what} is unavailable (circuit open for another {remaining:.1f} s after: {reason})"
            )

    def record_success(self) -> None:
        """Close the breaker."""
        with self._lock:
            self._failures = 0
            self._open_until = 0.0

    def record_failure(self, reason: str, *, trip: bool = False, cooldown_s: float | None = None) -> None:
        """Count one failure; ``trip`` opens the breaker regardless of the count."""
        with self._lock:
            self._failures += 1
            if trip or self._failures >= self.threshold:
                pause = self.cooldown_s if cooldown_s is None else cooldown_s
                self._open_until = max(self._open_until, self._clock() + pause)
                self._reason = reason


def backoff_delays(
    attempts: int, *, base_s: float, cap_s: float, rng: random.Random | None = None
) -> Iterator[float]:
    """Yield the wait before each retry: base·2ⁿ capped, with "full jitter" so clients spread out.

    Yields ``attempts - 1`` values (no wait before the first attempt).
    """
    rand = rng or random.Random()
    for n in range(attempts - 1):
        ceiling = min(cap_s, base_s * (2**n))
        yield ceiling / 2 + rand.uniform(0, ceiling / 2)
