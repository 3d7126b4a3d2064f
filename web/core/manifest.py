"""The manifest: the one source of its shape (narration writes it, ``/openapi.json`` is made from it).

A document's ``manifest.json`` is what the player, the widget and API clients read: its texts at
once, and its audio fields as they fill in. ``Annotated[..., Field(...)]`` adds what JSON Schema
says beyond the type (a minimum, a pattern, a description); ``web.core.schema`` turns these types
into the schemas of ``/openapi.json``, which forbid keys not declared here.
"""

# No ``from __future__ import annotations``: TypedDict must see NotRequired to know optional keys.
from dataclasses import dataclass
from typing import Annotated
from typing import Literal
from typing import NotRequired
from typing import TypedDict

DOC_ID_PATTERN = "[0-9a-f]{24}"  # the one spelling of a document id (routes, OpenAPI, checks)

__all__ = [
    "AudioFiles", "Field", "Manifest", "Mark", "Piece", "Pieces", "Place", "Progress", "SectionEntry",
    "SentenceEntry", "SkipNote", "Status",
]


@dataclass(frozen=True, slots=True)
class Field:
    """JSON Schema keywords for one field, beyond what its type says."""

    minimum: int | None = None
    pattern: str | None = None
    description: str | None = None
    maximum: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    format: str | None = None  # "uri", …
    content_encoding: str | None = None  # "base64"


Status = Literal["pending", "synthesizing", "ready", "failed"]
Count = Annotated[int, Field(minimum=0)]
MaybeMs = int | None
CLIP_URL = r"^/audio/[0-9a-f]{64}\.mp3$"


class Mark(TypedDict):
    """When a clause or word is heard (ms into the sentence's clip) and where it is in the text."""

    start_ms: Count
    end_ms: Count
    start: Count
    end: Count


class Place(TypedDict):
    """An element of the page the widget sent, or its n-th text run with UTF-16 offsets."""

    node: Count
    run: NotRequired[Count]
    start: NotRequired[Count]
    end: NotRequired[Count]


class Piece(TypedDict):
    clip: Annotated[str, Field(pattern=CLIP_URL)]
    duration_ms: Count


class Pieces(TypedDict):
    """A first sentence's pieces, playable before its whole clip exists."""

    count: Annotated[int, Field(minimum=2)]
    ready: list[Piece]


class SentenceEntry(TypedDict):
    id: Count
    text: str
    spoken: str
    paragraph: Annotated[int, Field(minimum=0, description="Its paragraph in the section (from reader).")]
    clip: Annotated[str | None, Field(pattern=CLIP_URL)]
    duration_ms: MaybeMs
    start_ms: Annotated[MaybeMs, Field(description="Where it starts in the page MP3, once assembled.")]
    end_ms: MaybeMs
    marks: NotRequired[Annotated[list[Mark], Field(
        description="Only when the engine timed several clauses or words.")]]
    where: NotRequired[Annotated[list[Place], Field(
        description="Only for html sent with numbered elements (data-bobao-n, as the widget sends it).")]]
    pieces: NotRequired[Annotated[Pieces, Field(description="Only on an uncached first sentence.")]]
    skipped: NotRequired[Annotated[bool, Field(description="The engine could not say it: read as a pause.")]]


class SectionEntry(TypedDict):
    index: Count
    heading: str | None
    level: int
    mp3: str
    size_bytes: MaybeMs
    start_ms: MaybeMs
    end_ms: MaybeMs
    sentences: list[SentenceEntry]


class Progress(TypedDict):
    done: int | None
    total: Count


class AudioFiles(TypedDict):
    mp3: str
    vtt: str
    size_bytes: int | None
    duration_ms: MaybeMs


class SkipNote(TypedDict):
    id: Count
    text: str
    reason: str


class Manifest(TypedDict):
    """``manifest.json``: texts at once, audio fields as synthesis fills them in."""

    id: Annotated[str, Field(pattern=f"^{DOC_ID_PATTERN}$")]
    title: str
    date: str | None
    source: str | None
    lang: str
    status: Status
    engine: str
    voice: str
    rate: int
    progress: Progress
    audio: AudioFiles
    sections: list[SectionEntry]
    error: NotRequired[Annotated[str | None, Field(description="Why it failed (an error class name).")]]
    message: NotRequired[Annotated[str, Field(description="For a failure the server will retry itself.")]]
    skipped: NotRequired[Annotated[list[SkipNote], Field(description="Sentences read as a pause.")]]
