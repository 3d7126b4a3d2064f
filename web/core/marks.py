"""Sub-sentence timings for the highlight: when each clause or word is heard, and where it is shown.

The offline engine times each clause it speaks, edge each word; a mark's text is part of the spoken
sentence, and ``reader.Sentence.text_span`` maps it back to the shown one (二零二三年 → 2023年), so the
player can underline the clause being heard inside the highlighted sentence.
"""

from __future__ import annotations

import reader
from audio import AudioClip


def marks_in_text(sentence: reader.Sentence, clip: AudioClip) -> list[dict[str, int]] | None:
    """When each clause (or word) the engine timed is heard, and where it is in the shown sentence.

    None for a single mark (the sentence highlight says it all) and when a mark's text is not found
    in order in the spoken sentence (the engine read something else, e.g. a lexicon respelling).
    """
    if len(clip.marks) < 2:
        return None
    spans: list[dict[str, int]] = []
    cursor = 0
    for mark in clip.marks:
        at = sentence.spoken.find(mark.text, cursor) if mark.text else -1
        if at < 0:
            return None
        cursor = at + len(mark.text)
        start, end = sentence.text_span(at, cursor)
        spans.append({"start_ms": mark.start_ms, "end_ms": mark.start_ms + mark.duration_ms,
                      "start": start, "end": end})
    return spans
