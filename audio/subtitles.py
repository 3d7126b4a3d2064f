"""Cues + caller texts → WebVTT or SRT (pure functions).

WebVTT cue identifiers are the caller's ids (sentence ids), so the player maps a cue back to its
sentence directly. SRT has no identifiers, only a running number from 1.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from collections.abc import Sequence

from audio.errors import AssemblyError
from audio.model import Cue

_BLANK_LINES = re.compile(r"\s*\n\s*")


def _timestamp(ms: int, separator: str) -> str:
    hours, rest = divmod(max(ms, 0), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def _text(texts: Mapping[int, str], cue_id: int) -> str:
    try:
        text = texts[cue_id]
    except KeyError:
        raise AssemblyError(f"no text for cue id {cue_id}") from None
    # A blank line would end the cue early, so a cue's text is kept on one line.
    return _BLANK_LINES.sub(" ", text.strip())


def escape_vtt(text: str) -> str:
    """Escape ``& < >``; escaping ``>`` also defuses a ``-->`` inside the text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_webvtt(cues: Sequence[Cue], texts: Mapping[int, str]) -> str:
    """A WebVTT document with one cue per ``Cue``, identified by the caller's id."""
    blocks = ["WEBVTT"]
    for cue in cues:
        timing = f"{_timestamp(cue.start_ms, '.')} --> {_timestamp(cue.end_ms, '.')}"
        blocks.append(f"{cue.id}\n{timing}\n{escape_vtt(_text(texts, cue.id))}")
    return "\n\n".join(blocks) + "\n"


def to_srt(cues: Sequence[Cue], texts: Mapping[int, str]) -> str:
    """An SRT document, numbered from 1 in cue order."""
    blocks = []
    for number, cue in enumerate(cues, start=1):
        timing = f"{_timestamp(cue.start_ms, ',')} --> {_timestamp(cue.end_ms, ',')}"
        # SRT has no escapes; an arrow in the text would be taken for a timing line.
        text = _text(texts, cue.id).replace("-->", "→")
        blocks.append(f"{number}\n{timing}\n{text}")
    return "\n\n".join(blocks) + ("\n" if blocks else "")
