"""Where a `reader.Document` meets `audio`: the one use case that turns a page into narrated audio.

Flask-free, so the CLI, the web jobs and ops' Celery tasks share it. The steps:

* ``plan``: every sentence with spoken text becomes an item with the pause before it: 250 ms between
  sentences, 600 ms at a new paragraph, 1000 ms at a new section, and at least 700 ms after a
  heading so that a heading is heard as one;
* ``new_manifest``: the manifest of docs/architecture.md with every not-yet-known field ``null``;
* ``speak_one``: one sentence through the cache, filled into the manifest as it lands (the unit the
  demand scheduler of ``web.core.schedule`` hands out, so sentences of many documents interleave);
* ``assemble_all``: once every clip exists, the page MP3 (one ID3 chapter per top-level section),
  one MP3 per section and the WebVTT, with the timings filled in;
* ``narrate``: both in reading order, in one call (for scripts).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import audio
import reader
from audio import AudioClip
from audio import ChapterInput
from audio import ClipCache
from audio import Engine
from audio import Segment
from audio import SpeechParams
from audio import Track
from web.core.manifest import Manifest
from web.core.manifest import Mark
from web.core.manifest import Place
from web.core.manifest import SectionEntry
from web.core.manifest import SentenceEntry
from web.core.marks import marks_in_text

PAUSE_SENTENCE_MS = 250
PAUSE_PARAGRAPH_MS = 600
PAUSE_SECTION_MS = 1000
PAUSE_AFTER_HEADING_MS = 700

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
    return {"normalizer": str(reader.NORMALIZER_VERSION)}


def plan(document: reader.Document) -> list[Item]:
    """The spoken items of ``document`` in reading order, with their pauses."""
    items: list[Item] = []
    for section_index, section in enumerate(document.sections):
        for sentence in section.sentences:
            paragraph = sentence.paragraph  # reader's paragraphs, not re-derived from the text
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


def new_manifest(
    doc_id: str, document: reader.Document, *, engine: str, voice: str, rate: int,
    where: Mapping[int, tuple[reader.Place, ...]] | None = None,
) -> Manifest:
    """The manifest before any audio exists: texts known, every audio field null.

    ``where``: each sentence's places in the page the widget sent (`reader.locate_sentences`).
    """
    sections: list[SectionEntry] = [
        {
            "index": index,
            "heading": section.heading,
            "level": section.level,
            "mp3": f"/documents/{doc_id}/sections/{index}.mp3",
            "size_bytes": None,
            "start_ms": None,
            "end_ms": None,
            "sentences": [_sentence_entry(s, (where or {}).get(s.id))
                          for s in section.sentences],
        }
        for index, section in enumerate(document.sections)
    ]
    total = sum(1 for s in document.sentences() if s.spoken.strip())
    links = urls(doc_id)
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
        "audio": {"mp3": links["mp3"], "vtt": links["vtt"], "size_bytes": None, "duration_ms": None},
        "sections": sections,
    }


def _sentence_entry(sentence: reader.Sentence, where: tuple[reader.Place, ...] | None) -> SentenceEntry:
    entry: SentenceEntry = {
        "id": sentence.id,
        "text": sentence.text,
        "spoken": sentence.spoken,
        "paragraph": sentence.paragraph,
        "clip": None,
        "duration_ms": None,
        "start_ms": None,
        "end_ms": None,
    }
    if where:  # only for pages the widget sent with numbered elements
        entry["where"] = [cast(Place, place.as_json()) for place in where]
    return entry


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
    audio.write_atomic(path, text.encode("utf-8"), mode=0o644)  # as the page MP3 beside it


def entries_of(manifest: Manifest) -> dict[int, SentenceEntry]:
    """The manifest's sentence entries by sentence id (the same dicts, so edits land in the manifest)."""
    return {s["id"]: s for section in manifest["sections"] for s in section["sentences"]}


def pending(items: list[Item], manifest: Manifest) -> list[int]:
    """Ids of the spoken sentences that have no clip yet, in reading order."""
    entries = entries_of(manifest)
    return [item.sentence_id for item in items if entries[item.sentence_id]["clip"] is None]


def begin(manifest: Manifest, items: list[Item]) -> None:
    """Mark ``manifest`` as being synthesized, counting the clips that already landed."""
    manifest["status"] = "synthesizing"
    manifest["progress"] = {"done": len(items) - len(pending(items, manifest)), "total": len(items)}


def speak_one(
    sentence: reader.Sentence,
    manifest: Manifest,
    *,
    engine: Engine,
    params: SpeechParams,
    cache: ClipCache,
    in_pieces: bool = False,
    on_progress: OnProgress | None = None,
) -> None:
    """Synthesize one sentence through the cache and fill in its manifest entry.

    With ``in_pieces`` (a listener waits for this very sentence), an uncached sentence is spoken
    in growing lead-in pieces, each reported through ``on_progress`` as it lands.
    """
    entries = entries_of(manifest)
    entry = entries[sentence.id]

    def piece_landed(_: int, index: int, count: int, clip: AudioClip) -> None:
        pieces = entry.setdefault("pieces", {"count": count, "ready": []})
        pieces["count"] = count  # known so far: the next piece counts until the last one lands
        pieces["ready"].append({"clip": f"/audio/{clip.key}.mp3", "duration_ms": clip.duration_ms})
        if on_progress is not None:
            on_progress(manifest)

    stream = audio.iter_synthesize(
        [(sentence.id, sentence.spoken)], engine, params, cache, extra_key=extra_key(),
        on_part=piece_landed if in_pieces else None,
    )
    for _, clip in stream:
        entry["clip"] = f"/audio/{clip.key}.mp3"
        entry["duration_ms"] = clip.duration_ms
        marks = marks_in_text(sentence, clip)
        if marks:
            entry["marks"] = cast(list[Mark], marks)
    manifest["progress"]["done"] = sum(
        1 for e in entries.values() if e["clip"] is not None and e["spoken"].strip()
    )
    if on_progress is not None:
        on_progress(manifest)


def assemble_all(
    document: reader.Document,
    manifest: Manifest,
    *,
    engine: Engine,
    params: SpeechParams,
    cache: ClipCache,
    out_dir: Path,
) -> Manifest:
    """Assemble the page MP3, the section MP3s and the VTT from cached clips; returns it ``ready``.

    Clips missing from the cache (evicted since) are synthesized again on the way.
    """
    items = plan(document)
    entries = entries_of(manifest)
    clips = synthesize_items(items, engine, params, cache)
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
    """Synthesize (in reading order) and assemble everything for ``manifest``; returns it ``ready``.

    The one-call form for scripts; the server's jobs interleave ``speak_one`` across documents.
    """
    items = plan(document)
    begin(manifest, items)
    if on_progress is not None:
        on_progress(manifest)
    sentences = {s.id: s for s in document.sentences()}
    for index, sentence_id in enumerate(pending(items, manifest)):
        speak_one(sentences[sentence_id], manifest, engine=engine, params=params, cache=cache,
                  in_pieces=index == 0, on_progress=on_progress)
    return assemble_all(document, manifest, engine=engine, params=params, cache=cache, out_dir=out_dir)


def _fill_timings(manifest: Manifest, page: Track, entries: Mapping[int, SentenceEntry]) -> None:
    for cue in page.cues:
        entries[cue.id]["start_ms"] = cue.start_ms
        entries[cue.id]["end_ms"] = cue.end_ms
    for section in manifest["sections"]:
        timed = [s for s in section["sentences"] if s["start_ms"] is not None]
        section["start_ms"] = timed[0]["start_ms"] if timed else None
        section["end_ms"] = timed[-1]["end_ms"] if timed else None
