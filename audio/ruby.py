"""Pinyin over displayed Chinese text, read the way the offline voice reads it.

For the 大字幕 caption's 拼音 mode: one reading per character, with tone marks, from the same jieba
words, polyphone disambiguation (``audio.polyphone``) and pronunciation lexicon that the offline
engine speaks with (``MandarinG2P.runs``), so the
caption shows what is heard — 重庆 chóng qìng, 银行 yín háng — and a site's lexicon fix shows up in
the caption too:

    ruby("重庆银行2024年") == ["chóng", "qìng", "yín", "háng", None, None, None, None, "nián"]

Characters that are not Han (digits, Latin, punctuation) get None: the caption shows them as they are.
"""

from __future__ import annotations

from audio.errors import EngineUnavailable
from audio.lexicon import Lexicon


def ruby(text: str, lexicon: Lexicon | None = None) -> list[str | None]:
    """The reading of each character of ``text`` (None where there is no Han character)."""
    try:
        from pypinyin.contrib.tone_convert import to_tone

        from audio.engines.mandarin import shared_g2p
    except ImportError as exc:
        raise EngineUnavailable(f"pinyin needs the offline engine's packages: {exc}") from exc
    g2p = shared_g2p(lexicon if lexicon is not None else Lexicon.default())
    readings: list[str | None] = [None] * len(text)
    for run in g2p.runs(text):
        if run.kind != "han":
            continue
        flat = [syllable for word in run.words for syllable in word]
        if len(flat) != len(run.text):
            flat = g2p.readings(run.text)
        readings[run.start:run.start + len(flat)] = [to_tone(s) for s in flat]
    return readings
