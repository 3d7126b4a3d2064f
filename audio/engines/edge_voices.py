"""The Edge voice list, fetched once and cached in memory and (optionally) in a JSON file.

Voices come and go on the service (``zh-CN-XiaochenNeural`` was removed in 2025), so the list is
never hard-coded: it is fetched, kept for ``ttl_s``, and a stale copy is used when a refresh fails.
This module knows nothing of edge-tts: ``edge.py`` hands it a ``fetch`` callable.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from audio.errors import EngineUnavailable
from audio.files import write_atomic
from audio.model import Voice

RawVoice = dict[str, Any]
_KEPT_FIELDS = ("ShortName", "Locale", "Gender", "FriendlyName", "Status")


class VoiceList:
    """Caches the service's voice list; ``voices()`` filters it to ``locales``."""

    def __init__(
        self,
        fetch: Callable[[], list[RawVoice]],
        *,
        cache_path: Path | None = None,
        ttl_s: float = 86_400.0,
        locales: tuple[str, ...] = ("zh-CN",),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._fetch = fetch
        self.cache_path = cache_path
        self.ttl_s = ttl_s
        self.locales = locales
        self._clock = clock
        self._lock = threading.Lock()
        self._raw: list[RawVoice] | None = None
        self._fetched_at = 0.0

    def names(self) -> set[str]:
        """Every voice short name the service offers, in any locale."""
        return {str(v["ShortName"]) for v in self._get()}

    def voices(self) -> list[Voice]:
        """The voices in the configured locales, sorted by name."""
        wanted = [v for v in self._get() if _in_locales(str(v.get("Locale", "")), self.locales)]
        return sorted((_to_voice(v) for v in wanted), key=lambda v: v.name)

    def _get(self) -> list[RawVoice]:
        with self._lock:
            if self._raw is None:
                self._load_file()
            if self._raw is not None and self._clock() - self._fetched_at < self.ttl_s:
                return self._raw
            try:
                fresh = [_trim(v) for v in self._fetch() if "ShortName" in v]
            except EngineUnavailable:
                if self._raw is not None:
                    return self._raw  # A stale list beats no list while the service is down.
                raise
            if not fresh:
                raise EngineUnavailable("the edge service returned an empty voice list")
            self._raw, self._fetched_at = fresh, self._clock()
            self._save_file()
            return self._raw

    def _load_file(self) -> None:
        if self.cache_path is None or not self.cache_path.is_file():
            return
        try:
            data = json.loads(self.cache_path.read_text(encoding="utf-8"))
            raw, fetched_at = list(data["voices"]), float(data["fetched_at"])
        except (OSError, ValueError, KeyError, TypeError):
            return  # A damaged cache file is ignored and rewritten on the next fetch.
        self._raw = [v for v in raw if isinstance(v, dict) and "ShortName" in v] or None
        self._fetched_at = fetched_at

    def _save_file(self) -> None:
        if self.cache_path is None:
            return
        payload = json.dumps({"fetched_at": self._fetched_at, "voices": self._raw}, ensure_ascii=False)
        with contextlib.suppress(OSError):  # The file is only an optimisation; the memory copy serves.
            write_atomic(self.cache_path, payload.encode("utf-8"))


def _in_locales(locale: str, locales: tuple[str, ...]) -> bool:
    """``zh-CN`` also takes the regional ``zh-CN-liaoning``; an empty tuple takes everything."""
    return not locales or any(locale == want or locale.startswith(want + "-") for want in locales)


def _trim(raw: RawVoice) -> RawVoice:
    return {k: raw[k] for k in _KEPT_FIELDS if k in raw}


def _to_voice(raw: RawVoice) -> Voice:
    return Voice(
        name=str(raw["ShortName"]),
        engine="edge",
        lang=str(raw.get("Locale", "")),
        gender=str(raw.get("Gender", "")),
        display_name=str(raw.get("FriendlyName", raw["ShortName"])),
    )
