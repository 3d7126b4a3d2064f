"""How fast this machine speaks right now, and how much audio the listener has left before silence.

``Pace`` is a moving estimate of synthesis time for a text of ``n`` characters. It starts from the
figures measured on a quiet 2-core machine (Kokoro v1.0 int8, native styles: about 0.17 s per call
plus 0.045 s per character; ``bench/audio.py``) and then follows the recent clips, the newest
weighing most, so the estimate relaxes within two or three clips when a load goes. A slowdown is
believed at once: the newest clip alone scales the quiet line too, and the prediction is never
below that, because an estimate that lags a new load is heard as silence, while one that lags the
load's end only costs a few shorter pieces. It also fits per-call and per-character cost
separately, because cutting a sentence into more pieces pays the per-call cost more often; but it
never predicts less than the scaled quiet line, because a fit to a few noisy short clips can
promise a long sentence far too cheaply, and a long silence is worse than an early cut.

``Runway`` follows a listener who plays audio as soon as it exists: the clock starts at the first
sound, and each clip that lands in order extends how long they can listen before the next one is
needed. ``remaining_s()`` is the budget the next synthesis must fit in to leave no gap.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

Clock = Callable[[], float]

QUIET_CALL_S = 0.17
"""Per-call cost on a quiet machine: session run, padding tokens, MP3 encoding."""
QUIET_CHAR_S = 0.045
"""Per-character cost on a quiet machine (about a quarter of the 0.2 s each character lasts)."""
DECAY = 0.5
"""Weight of a clip relative to the one after it: a load change shows after two or three clips."""
WINDOW = 12
"""Recent clips kept; older ones weigh under 1/2000 of the newest anyway."""
_MIN_SPREAD_CHARS = 3.0
"""Below this weighted spread of lengths a line cannot be fitted; the quiet line is scaled instead."""
_TYPICAL_CHARS = 20


class Pace:
    """Predicts synthesis seconds for ``n`` characters from recent clips (thread-safe).

    The estimate is the largest of three lines ``call + char × n``: the quiet-machine line scaled to
    pass through the recent clips' mean, a line fitted to the recent clips (pieces of 6, 16, 30
    characters give it the spread it needs), newest weighing most in both, and the quiet line
    scaled to the newest clip alone (so a new load shows in the very next prediction).
    """

    def __init__(self, *, call_s: float = QUIET_CALL_S, char_s: float = QUIET_CHAR_S,
                 decay: float = DECAY) -> None:
        if call_s < 0 or char_s <= 0 or not 0 < decay <= 1:
            raise ValueError("call_s must be >= 0, char_s > 0 and decay in (0, 1]")
        self.call_s, self.char_s, self.decay = call_s, char_s, decay
        self._recent: deque[tuple[int, float]] = deque(maxlen=WINDOW)
        self._lines: tuple[tuple[float, float], ...] = ((call_s, char_s),)
        self._lock = threading.Lock()

    @property
    def ratio(self) -> float:
        """Predicted over quiet-machine time for a typical piece: 1.0 quiet, 3.0 three times slower."""
        return self.predict_s(_TYPICAL_CHARS) / (self.call_s + self.char_s * _TYPICAL_CHARS)

    def predict_s(self, chars: int) -> float:
        """Expected synthesis time of ``chars`` characters right now."""
        with self._lock:
            lines = self._lines
        return max(call + per_char * max(0, chars) for call, per_char in lines)

    def chars_within(self, seconds: float) -> int:
        """The most characters whose synthesis is expected to take at most ``seconds`` (may be 0)."""
        with self._lock:
            lines = self._lines
        fits = [math.floor((seconds - call) / per_char + 1e-9) if seconds > call else 0
                for call, per_char in lines]
        return max(0, min(fits))

    def record(self, chars: int, seconds: float) -> None:
        """Fold one measured synthesis into the estimate."""
        if chars <= 0 or seconds <= 0 or not math.isfinite(seconds):
            return
        with self._lock:
            self._recent.append((chars, seconds))
            newest = seconds / (self.call_s + self.char_s * chars)
            self._lines = (*self._fit(), (self.call_s * newest, self.char_s * newest))

    def _fit(self) -> tuple[tuple[float, float], ...]:
        """The quiet line scaled through the recent mean, and the fitted line when the lengths vary.

        Predictions take the larger of the two: a line fitted to a few noisy clips of 6 to 20
        characters can promise a 60-character sentence far too cheaply, and a long silence costs
        more than a piece cut a little early.
        """
        weights = [self.decay ** age for age in range(len(self._recent) - 1, -1, -1)]
        total = sum(weights)
        mean_x = sum(w * x for w, (x, _) in zip(weights, self._recent, strict=True)) / total
        mean_y = sum(w * y for w, (_, y) in zip(weights, self._recent, strict=True)) / total
        sxx = sum(w * (x - mean_x) ** 2 for w, (x, _) in zip(weights, self._recent, strict=True))
        scale = mean_y / (self.call_s + self.char_s * mean_x)
        scaled = (self.call_s * scale, self.char_s * scale)
        if sxx / total < _MIN_SPREAD_CHARS**2:
            return (scaled,)
        sxy = sum(w * (x - mean_x) * (y - mean_y) for w, (x, y) in zip(weights, self._recent, strict=True))
        # A per-character cost near zero or negative is noise (or an engine whose cost is all per call).
        per_char = max(self.char_s * 0.05, sxy / sxx)
        return scaled, (max(0.0, mean_y - per_char * mean_x), per_char)


class Runway:
    """Audio ready ahead of a listener who started at the first sound and never paused (thread-safe)."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self._started: float | None = None
        self._ready_s = 0.0
        self._lock = threading.Lock()

    def add(self, duration_ms: int) -> None:
        """A clip (or piece) landed, in listening order; the first one starts the listener's clock."""
        with self._lock:
            if self._started is None:
                self._started = self.clock()
            self._ready_s += duration_ms / 1000

    def remaining_s(self) -> float:
        """Seconds of audio left before the listener reaches what is not ready (0 before any sound)."""
        with self._lock:
            if self._started is None:
                return 0.0
            return max(0.0, self._started + self._ready_s - self.clock())

    @property
    def started(self) -> bool:
        with self._lock:
            return self._started is not None


_paces: dict[str, Pace] = {}
_paces_lock = threading.Lock()


def pace_for(engine_name: str) -> Pace:
    """The process-wide pace of one engine (edge's network time says nothing about Kokoro's)."""
    with _paces_lock:
        return _paces.setdefault(engine_name, Pace())
