"""The JSON bodies of the public API, as types: the views build them, ``/openapi.json`` is made from them.

The manifest's types are in ``web.core.manifest``; the admin API's in ``web.adminbodies``. Query,
path and header parameters are TypedDicts too (their values arrive as text; the type says what text
is accepted). ``web.core.schema`` turns all of them into JSON Schema that refuses undeclared keys.
"""

# No ``from __future__ import annotations``: TypedDict must see NotRequired to know optional keys.
from typing import Annotated
from typing import Any
from typing import Literal
from typing import NotRequired
from typing import TypedDict

from web.core.manifest import DOC_ID_PATTERN
from web.core.manifest import Field
from web.core.schema import exactly_one_of

Count = Annotated[int, Field(minimum=0)]
DocId = Annotated[str, Field(pattern=f"^{DOC_ID_PATTERN}$", description="Document id: 24 hex digits.")]


class ErrorDetail(TypedDict):
    status: int
    code: Annotated[str, Field(description="A stable message code, e.g. not_found.")]
    message: Annotated[str, Field(description="For people, in Chinese.")]
    detail: NotRequired[str]
    retry_after_s: NotRequired[int]
    entries: NotRequired[Annotated[list[Any], Field(description="Each invalid lexicon entry.")]]
    rules: NotRequired[Annotated[list[Any], Field(description="Each invalid reading rule.")]]


class ErrorBody(TypedDict):
    """Every JSON error: status, a stable code and a Chinese message."""

    error: ErrorDetail


class CreateDocument(TypedDict, total=False):
    """Exactly one of text, html, url or file."""

    text: Annotated[str, Field(min_length=1)]
    html: Annotated[str, Field(min_length=1)]
    url: Annotated[str, Field(format="uri", description=(
        "http(s) only; fetched under the SSRF rules; a page or a PDF/DOCX attachment."))]
    file: Annotated[str, Field(content_encoding="base64", description=(
        "An uploaded PDF, DOCX, HTML or text file, base64 (body limit 2 MiB)."))]
    filename: Annotated[str, Field(description="The uploaded file's name; its suffix says its type.")]
    engine: str
    voice: str
    rate: Annotated[int | str, Field(description='Percent, -50..100, e.g. 10 or "+10%".')]


exactly_one_of(CreateDocument, "text", "html", "url", "file")


class CreateQuery(TypedDict):
    wait: NotRequired[Annotated[str, Field(
        description="1: answer only when the document is ready (for scripts).")]]


class DocumentPath(TypedDict):
    doc_id: DocId


class DocumentQuery(TypedDict):
    at: NotRequired[Annotated[int, Field(
        minimum=0, description="The sentence id the listener is at: synthesis moves there.")]]


class VoiceEntry(TypedDict):
    name: str
    engine: str
    lang: str
    gender: str
    display_name: str


class Voices(TypedDict):
    """The voices one engine offers (those the operator allows)."""

    engine: str
    default: str
    voices: list[VoiceEntry]


class VoicesQuery(TypedDict):
    engine: NotRequired[Annotated[str, Field(description="An engine name; default TTS_ENGINE.")]]


class CaptionSentence(TypedDict):
    id: Count
    pinyin: Annotated[list[str | None], Field(description="One per character; null where not Han.")]
    traditional: str


class Caption(TypedDict):
    """The caption in other scripts: pinyin per character (as the voice reads it) and 繁體."""

    id: str
    sentences: list[CaptionSentence]


class OriginStatus(TypedDict):
    """Whether the calling page's Origin may use the service, and which setting allows it."""

    origin: str | None
    allowed: bool
    setting: str
    environment: str


class ReportRequest(TypedDict):
    document: DocId
    sentence: Count


class ReportReceipt(TypedDict):
    id: str
    count: Count
    message: str


class HealthQuery(TypedDict):
    deep: NotRequired[Annotated[str, Field(description="1: also synthesize a short text.")]]


class EngineCheck(TypedDict):
    ok: bool
    loaded: bool
    name: NotRequired[str]
    degraded: NotRequired[bool]
    breaker_open: NotRequired[bool]
    voice_files: NotRequired[str]
    voice_file_errors: NotRequired[list[str]]
    probe_ms: NotRequired[int]
    probe_age_s: NotRequired[float]
    error: NotRequired[str]


class DirCheck(TypedDict):
    ok: bool
    writable: bool
    free_bytes: int | None
    degraded: bool
    entries: NotRequired[int]
    total_bytes: NotRequired[int]
    max_bytes: NotRequired[int | None]
    stats_error: NotRequired[str]


class QueueCheck(TypedDict):
    ok: bool
    backend: Literal["threads", "celery"]
    pending: NotRequired[int]
    error: NotRequired[str]


class HealthChecks(TypedDict):
    engine: EngineCheck
    cache: DirCheck
    documents: DirCheck
    queue: QueueCheck


class Health(TypedDict):
    """Engine, storage and queue state."""

    status: Literal["ok", "degraded", "fail"]
    checks: HealthChecks
    time: float


class RangeHeader(TypedDict):
    Range: NotRequired[Annotated[str, Field(
        description="bytes=START-END; answered with 206 Partial Content.")]]


class DownloadQuery(TypedDict):
    download: NotRequired[Annotated[str, Field(
        description="Any value: Content-Disposition attachment instead of inline.")]]


class ClipPath(TypedDict):
    key: Annotated[str, Field(pattern="^[0-9a-f]{64}$", description=(
        "Clip key: the sha256 of engine, voice, prosody and spoken text."))]
