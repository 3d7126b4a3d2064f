"""One unspeakable sentence must not cost the whole page: it is read as a short pause, and noted.

An engine can fail on a single text it cannot pronounce (``èû。`` for the offline voice) while
reading everything else. ``SkippingEngine`` wraps the job's engine: a ``SynthesisFailed`` for one
text becomes ``PAUSE_MS`` of silence, labelled with an engine name of its own so that the cache
stores it under a key no lookup produces (the engine is asked again next time, in case the failure
was passing). More than a few skips mean the engine itself is broken: then the error goes up and
the document fails as before. ``note_skips`` records them in the manifest, per sentence and as a list.
"""

from __future__ import annotations

import audio
from audio import Engine
from audio import Lexicon
from audio import Speech
from audio import SpeechParams
from audio import SynthesisFailed
from audio import Voice
from web.core.manifest import Manifest

PAUSE_MS = 400
SKIPPED_ENGINE = "skipped"


class SkippingEngine(Engine):
    """``inner``, except that up to ``max_skips`` texts it fails on are spoken as a pause.

    Every other member of ``Engine`` is ``inner``'s, so cache keys and lookups are unchanged.
    """

    def __init__(self, inner: Engine, *, max_skips: int) -> None:
        self.inner = inner
        self.max_skips = max_skips
        self.skipped: dict[str, str] = {}  # spoken text -> why the engine could not say it
        self.name = inner.name
        self.version = inner.version
        self.default_voice = inner.default_voice
        self.lexicon: Lexicon | None = inner.lexicon

    def voices(self) -> list[Voice]:
        return self.inner.voices()

    def words(self, text: str) -> list[str] | None:
        return self.inner.words(text)

    def phonemes(self, text: str) -> list[str] | None:
        return self.inner.phonemes(text)

    def reading_version(self, text: str) -> str:
        return self.inner.reading_version(text)

    def lookup_order(self, params: SpeechParams) -> list[tuple[Engine, SpeechParams]]:
        return self.inner.lookup_order(params)

    def engine_for(self, name: str) -> Engine:
        return self.inner.engine_for(name)

    def degraded(self) -> bool:
        return self.inner.degraded()

    def synthesize(self, text: str, params: SpeechParams) -> Speech:
        if text in self.skipped:  # failed once in this job (a lead-in piece, then the whole): no retry
            return self._pause(params)
        try:
            return self.inner.synthesize(text, params)
        except SynthesisFailed as exc:
            if len(self.skipped) >= self.max_skips:
                raise
            self.skipped[text] = " ".join(str(exc).split())[:200]
            return self._pause(params)

    @staticmethod
    def _pause(params: SpeechParams) -> Speech:
        return Speech(mp3=audio.silence(PAUSE_MS), engine=SKIPPED_ENGINE, voice=params.voice)


def max_skips_for(sentences: int) -> int:
    """A few per document, one in twenty for long ones, and never every sentence of it.

    A page whose every sentence fails was not read: that is the engine failing, not the text.
    """
    return min(max(3, sentences // 20), max(0, sentences - 1))


def note_skips(manifest: Manifest, skipped: dict[str, str]) -> None:
    """Mark each sentence read as a pause, and list them under ``manifest["skipped"]``."""
    if not skipped:
        return
    notes = list(manifest.get("skipped", ()))  # a job runs in turns: earlier turns' notes stay
    noted = {note["id"] for note in notes}
    for section in manifest["sections"]:
        for entry in section["sentences"]:
            reason = skipped.get(entry.get("spoken", ""))
            if reason is not None and entry["id"] not in noted:
                entry["skipped"] = True
                notes.append({"id": entry["id"], "text": entry["text"], "reason": reason})
    manifest["skipped"] = notes
