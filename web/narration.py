"""Where a `reader.Document` meets `audio`: the one use case that turns a page into narrated audio.

Flask-free, so the CLI, the web jobs and ops' Celery tasks share it. The steps:

* ``plan``: every sentence with spoken text becomes an item with the pause before it: 250 ms between
  sentences, 600 ms at a new paragraph, 1000 ms at a new section, and at least 700 ms after a
  heading so that a heading is heard as one;
* ``new_manifest``: the manifest of docs/architecture.md with every not-yet-known field ``null``;
* ``narrate``: synthesizes in document order through the cache (filling in each sentence's clip as it
  lands, so sentence 0 is playable first), then assembles the page MP3 (one ID3 chapter per top-level
  section), one MP3 per section and the WebVTT, and fills in the timings.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import audio
import reader
from audio import AudioClip
from audio import ChapterInput
from audio import ClipCache
from audio import Engine
from audio import Segment
from audio import SpeechParams
from audio import Track
from web.marks import marks_in_text

PAUSE_SENTENCE_MS = 250
PAUSE_PARAGRAPH_MS = 600
PAUSE_SECTION_MS = 1000
PAUSE_AFTER_HEADING_MS = 700

Manifest = dict[str, Any]
OnProgress = Callable[[Manifest], None]


@dataclass(frozen=True, slots=True)
class Item:
    """One sentence to speak, and where it sits."""

    sentence_id: int
    spoken: str
    section: int
    paragraph: int
    pause_before_ms: int
    heading: bool


@dataclass(frozen=True, slots=True)
class ChapterPlan:
    """A chapter of the page MP3: a top-level section and the sections under it."""

    title: str
    sections: tuple[int, ...]


def extra_key() -> dict[str, str]:
    """Cache-key fields beyond engine/voice/text: the versions of the text pipeline."""
    extra = {"normalizer": str(reader.NORMALIZER_VERSION)}
    lexicon = getattr(audio, "LEXICON_VERSION", None)
    if lexicon is not None:
        extra["lexicon"] = str(lexicon)
    return extra


def paragraph_numbers(section: reader.Section) -> list[int]:
    """Each sentence's paragraph within its section: a new one whenever a newline precedes it."""
    numbers: list[int] = []
    paragraph, previous_end = 0, 0
    for index, sentence in enumerate(section.sentences):
        if index > 0 and "\n" in section.text[previous_end : sentence.start]:
            paragraph += 1
        numbers.append(paragraph)
        previous_end = sentence.end
    return numbers


def plan(document: reader.Document) -> list[Item]:
    """The spoken items of ``document`` in reading order, with their pauses."""
    items: list[Item] = []
    for section_index, section in enumerate(document.sections):
        paragraphs = paragraph_numbers(section)
        for sentence, paragraph in zip(section.sentences, paragraphs, strict=True):
            if not sentence.spoken.strip():
                continue
            # The title line at the top of a page is read like a heading, too.
            is_title = paragraph == 0 and sentence.text.strip() == document.title
            heading = paragraph == 0 and (section.heading is not None or is_title)
            pause = _pause_before(items, section_index, paragraph)
            items.append(Item(sentence.id, sentence.spoken, section_index, paragraph, pause, heading))
    return items


def _pause_before(items: list[Item], section: int, paragraph: int) -> int:
    if not items:
        return 0
    last = items[-1]
    if last.section != section:
        pause = PAUSE_SECTION_MS
    elif last.paragraph != paragraph:
        pause = PAUSE_PARAGRAPH_MS
    else:
        pause = PAUSE_SENTENCE_MS
    if last.heading and not (last.section == section and last.paragraph == paragraph):
        pause = max(pause, PAUSE_AFTER_HEADING_MS)
    return pause


def chapters(document: reader.Document) -> list[ChapterPlan]:
    """Group sections under the top-level headings; text before the first one is its own chapter."""
    levels = [s.level for s in document.sections if s.heading]
    top = min(levels) if levels else None
    groups: list[ChapterPlan] = []
    for index, section in enumerate(document.sections):
        if not groups or (section.heading and section.level == top):
            title = section.heading if section.heading and section.level == top else document.title
            groups.append(ChapterPlan(title or document.title, (index,)))
        else:
            last = groups[-1]
            groups[-1] = ChapterPlan(last.title, (*last.sections, index))
    return groups


def urls(doc_id: str) -> dict[str, str]:
    return {"mp3": f"/documents/{doc_id}.mp3", "vtt": f"/documents/{doc_id}.vtt"}


def new_manifest(doc_id: str, document: reader.Document, *, engine: str, voice: str, rate: int) -> Manifest:
    """The manifest before any audio exists: texts known, every audio field null."""
    paragraphs = {}
    for section in document.sections:
        for sentence, number in zip(section.sentences, paragraph_numbers(section), strict=True):
            paragraphs[sentence.id] = number
    sections = [
        {
            "index": index,
            "heading": section.heading,
            "level": section.level,
            "mp3": f"/documents/{doc_id}/sections/{index}.mp3",
            "size_bytes": None,
            "start_ms": None,
            "end_ms": None,
            "sentences": [_sentence_entry(s, paragraphs[s.id]) for s in section.sentences],
        }
        for index, section in enumerate(document.sections)
    ]
    total = sum(1 for s in document.sentences() if s.spoken.strip())
    return {
        "id": doc_id,
        "title": document.title,
        "date": document.date,
        "source": document.source_url,
        "lang": document.lang,
        "status": "pending",
        "engine": engine,
        "voice": voice,
        "rate": rate,
        "progress": {"done": 0, "total": total},
        "audio": {**urls(doc_id), "size_bytes": None, "duration_ms": None},
        "sections": sections,
    }


def _sentence_entry(sentence: reader.Sentence, paragraph: int) -> dict[str, Any]:
    return {
        "id": sentence.id,
        "text": sentence.text,
        "spoken": sentence.spoken,
        "paragraph": paragraph,
        "clip": None,
        "duration_ms": None,
        "start_ms": None,
        "end_ms": None,
    }


def synthesize_items(
    items: list[Item],
    engine: Engine,
    params: SpeechParams,
    cache: ClipCache,
    on_clip: Callable[[int, AudioClip], None] | None = None,
    on_part: Callable[[int, int, int, AudioClip], None] | None = None,
) -> dict[int, AudioClip]:
    """Clips for ``items`` in document order, reporting each one (and the first one's pieces) as it lands."""
    pairs = [(item.sentence_id, item.spoken) for item in items]
    clips: dict[int, AudioClip] = {}
    stream = audio.iter_synthesize(pairs, engine, params, cache, extra_key=extra_key(), on_part=on_part)
    for sentence_id, clip in stream:
        clips[sentence_id] = clip
        if on_clip is not None:
            on_clip(sentence_id, clip)
    return clips


def chapter_inputs(
    document: reader.Document, items: list[Item], clips: Mapping[int, AudioClip]
) -> list[ChapterInput]:
    """The page's chapters as assembly input; the first segment of the page has no pause."""
    by_section: dict[int, list[Segment]] = {}
    for item in items:
        pause = item.pause_before_ms
        by_section.setdefault(item.section, []).append(
            Segment(item.sentence_id, clips[item.sentence_id], pause)
        )
    result = []
    for chapter in chapters(document):
        segments = tuple(seg for index in chapter.sections for seg in by_section.get(index, []))
        if segments:
            result.append(ChapterInput(chapter.title, segments))
    return result


def assemble_page(
    document: reader.Document, items: list[Item], clips: Mapping[int, AudioClip], mp3_path: Path
) -> Track:
    """Write the page MP3 (chapters per top-level section) and its VTT beside it."""
    track = audio.assemble(
        chapter_inputs(document, items, clips), mp3_path, title=document.title, album=document.title
    )
    texts = {s.id: s.text for s in document.sentences()}
    vtt_path = mp3_path.with_suffix(".vtt")
    _write_text(vtt_path, audio.to_webvtt(track.cues, texts))
    return track


def assemble_section(
    document: reader.Document, index: int, items: list[Item], clips: Mapping[int, AudioClip], mp3_path: Path
) -> Track | None:
    """Write one section's own sentences as an MP3; None when it has nothing to say."""
    segments = [
        Segment(i.sentence_id, clips[i.sentence_id], i.pause_before_ms) for i in items if i.section == index
    ]
    if not segments:
        return None
    segments[0] = Segment(segments[0].id, segments[0].clip, 0)
    heading = document.sections[index].heading or document.title
    chapter = ChapterInput(heading, tuple(segments))
    return audio.assemble([chapter], mp3_path, title=f"{document.title} · {heading}", album=document.title)


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def narrate(
    document: reader.Document,
    manifest: Manifest,
    *,
    engine: Engine,
    params: SpeechParams,
    cache: ClipCache,
    out_dir: Path,
    on_progress: OnProgress | None = None,
) -> Manifest:
    """Synthesize and assemble everything for ``manifest`` into ``out_dir``; returns it ``ready``."""
    items = plan(document)
    entries = {s["id"]: s for section in manifest["sections"] for s in section["sentences"]}
    manifest["status"] = "synthesizing"
    manifest["progress"] = {"done": 0, "total": len(items)}
    if on_progress is not None:
        on_progress(manifest)

    sentences = {s.id: s for s in document.sentences()}

    def landed(sentence_id: int, clip: AudioClip) -> None:
        entries[sentence_id]["clip"] = f"/audio/{clip.key}.mp3"
        entries[sentence_id]["duration_ms"] = clip.duration_ms
        marks = marks_in_text(sentences[sentence_id], clip)
        if marks:
            entries[sentence_id]["marks"] = marks
        manifest["progress"]["done"] += 1
        if on_progress is not None:
            on_progress(manifest)

    def piece_landed(sentence_id: int, index: int, count: int, clip: AudioClip) -> None:
        # Called from the synthesis thread while the loop below waits for this very sentence.
        pieces = entries[sentence_id].setdefault("pieces", {"count": count, "ready": []})
        pieces["count"] = count  # known so far: the next piece counts until the last one lands
        pieces["ready"].append({"clip": f"/audio/{clip.key}.mp3", "duration_ms": clip.duration_ms})
        if on_progress is not None:
            on_progress(manifest)

    clips = synthesize_items(items, engine, params, cache, on_clip=landed, on_part=piece_landed)
    page = assemble_page(document, items, clips, out_dir / "page.mp3")
    _fill_timings(manifest, page, entries)
    for section in manifest["sections"]:
        track = assemble_section(
            document, section["index"], items, clips, out_dir / "sections" / f"{section['index']}.mp3"
        )
        section["size_bytes"] = track.path.stat().st_size if track else None
    manifest["audio"]["size_bytes"] = page.path.stat().st_size
    manifest["audio"]["duration_ms"] = page.duration_ms
    manifest["status"] = "ready"
    return manifest


def _fill_timings(manifest: Manifest, page: Track, entries: Mapping[int, dict[str, Any]]) -> None:
    for cue in page.cues:
        entries[cue.id]["start_ms"] = cue.start_ms
        entries[cue.id]["end_ms"] = cue.end_ms
    for section in manifest["sections"]:
        timed = [s for s in section["sentences"] if s["start_ms"] is not None]
        section["start_ms"] = timed[0]["start_ms"] if timed else None
        section["end_ms"] = timed[-1]["end_ms"] if timed else None
