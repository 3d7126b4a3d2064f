"""The JSON bodies of the admin API (``web.admin``) and what the console shows, as types.

As in ``web.bodies``: the views build these, and ``/openapi.json``'s schemas are made from them.
"""

# No ``from __future__ import annotations``: TypedDict must see NotRequired to know optional keys.
from typing import Annotated
from typing import Literal
from typing import NotRequired
from typing import TypedDict

from web.bodies import Count
from web.core.manifest import Field
from web.core.manifest import Progress
from web.core.manifest import Status


class CacheSize(TypedDict):
    entries: Count
    total_bytes: Count
    max_bytes: int | None


class PruneRequest(TypedDict, total=False):
    max_bytes: Annotated[int, Field(minimum=0, description="Default AUDIO_CACHE_MAX_BYTES.")]


class Pruned(TypedDict):
    removed_entries: Count
    removed_bytes: Count
    remaining_bytes: Count


class VerifyRequest(TypedDict, total=False):
    repair: Annotated[bool, Field(description="Delete partial, orphan and corrupt files.")]


class Verified(TypedDict):
    """Every clip's checksum checked; file names are relative to the cache folder."""

    checked: Count
    clean: bool
    repaired: bool
    partials: list[str]
    orphans: list[str]
    corrupt: list[str]


class LexiconEntry(TypedDict):
    word: Annotated[str, Field(min_length=1, max_length=32, description="Chinese characters.")]
    pinyin: Annotated[str, Field(description="One syllable with tone digit 1-5 per character.")]
    say: NotRequired[Annotated[str | None, Field(description="Homophone spelling for text-only engines.")]]


class Lexicon(TypedDict):
    """The pronunciation lexicon in use: the site's, or the shipped default."""

    version: Annotated[str, Field(pattern="^[0-9a-f]{12}$")]
    source: Literal["site", "default"]
    count: Count
    entries: list[LexiconEntry]


class LexiconSaved(Lexicon):
    changed_sentences: Annotated[int, Field(minimum=0, description="Stored sentences now read differently.")]


class ReadingRule(TypedDict):
    written: Annotated[str, Field(min_length=1, max_length=40)]
    spoken: Annotated[str, Field(min_length=1, max_length=120)]


class Rules(TypedDict):
    """The site's reading rules (written form → spoken form), applied before the normalizer."""

    version: str
    count: Count
    rules: list[ReadingRule]


class RulesSaved(Rules):
    changed_sentences: Annotated[int, Field(minimum=0, description="Stored sentences now read differently.")]


class PreviewRequest(TypedDict):
    text: Annotated[str, Field(min_length=1, max_length=300)]
    engine: NotRequired[str]
    voice: NotRequired[str]
    entries: NotRequired[Annotated[list[LexiconEntry], Field(
        description="A draft lexicon, to hear it before saving.")]]
    rules: NotRequired[Annotated[list[ReadingRule], Field(
        description="Draft reading rules, to hear them before saving.")]]


class PreviewQuery(TypedDict):
    audio: NotRequired[Annotated[str, Field(
        description="1: answer with an MP3 audition clip, synthesized through the cache.")]]


class Reading(TypedDict):
    word: str
    pinyin: str
    at: Annotated[int, Field(minimum=0, description="Where the word starts in spoken.")]


class PreviewSentence(TypedDict):
    spoken: str
    text_engine_spoken: str
    readings: list[Reading]
    key: Annotated[str, Field(pattern="^[0-9a-f]{64}$", description="The clip-cache key.")]
    phonemes: NotRequired[list[str]]


class Preview(TypedDict):
    """How a text is read: spoken form, lexicon readings, phonemes (offline) and cache key."""

    engine: str
    engine_version: str
    voice: str
    lexicon_version: str
    sentences: list[PreviewSentence]


class DocumentRow(TypedDict):
    id: str
    title: str | None
    status: Status | None
    progress: Progress | None
    engine: str | None
    voice: str | None
    player: str


class DocumentList(TypedDict):
    """Stored documents, work in progress first; queued: jobs waiting."""

    documents: list[DocumentRow]
    queued: Count


class Report(TypedDict):
    id: str
    document: str
    title: str | None
    sentence: Count
    text: str
    spoken: str
    clip: str | None
    count: Count
    first_day: Annotated[str, Field(description="ISO date of the first report; nothing else is kept.")]


class ReportList(TypedDict):
    count: Count
    reports: list[Report]


class ReportPath(TypedDict):
    report_id: Annotated[str, Field(description="<document id>-<sentence id>.")]


class Removed(TypedDict):
    removed: str
