"""Blueprint "api": JSON for the player and the widget.

    POST /api/documents        {"text"|"html"|"url"|"file": …, "engine"?, "voice"?, "rate"?} → 201 manifest
                               ("file": base64 of an uploaded PDF, DOCX, HTML or text file, with "filename")
    GET  /api/documents/<id>   the manifest (progress while synthesizing, timings once ready);
                               ?at=<sentence id>: a listener waits there, so synthesis moves there
    GET  /api/voices           voices of an engine (?engine=…, default TTS_ENGINE)

Synthesis runs in the background; ``?wait=1`` waits a little (at most ``WAIT_MAX_S``, one wait per
client, a few in total: see ``web.waits``) for it to finish, then answers with the manifest as it is.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import logging
from collections.abc import Mapping
from pathlib import Path
from pathlib import PurePosixPath
from typing import Any

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import jsonify
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue

import reader
from audio import write_atomic
from web.bodies import CreateDocument
from web.bodies import CreateQuery
from web.bodies import DocumentPath
from web.bodies import DocumentQuery
from web.bodies import VoiceEntry
from web.bodies import Voices
from web.bodies import VoicesQuery
from web.choices import check_engine
from web.choices import check_voice
from web.choices import voice_allowed
from web.core import lifecycle
from web.core.manifest import Manifest
from web.core.services import Services
from web.errors import Busy
from web.errors import InvalidRequest
from web.openapi.operation import operation
from web.openapi.replies import error
from web.openapi.replies import json_reply
from web.openapi.replies import not_modified
from web.ratelimit import RateLimited
from web.ratelimit import check_synthesis_quota
from web.ratelimit import client_key
from web.slots import ClientSlots
from web.slots import NoSlot
from web.waits import wait_until_done

log = logging.getLogger(__name__)
bp = Blueprint("api", __name__, url_prefix="/api")

INPUT_KINDS = ("text", "html", "url", "file")
# What an uploaded file is, by its name; the reader also checks the bytes themselves.
_UPLOAD_TYPES = {".pdf": "application/pdf", ".docx": reader.DOCX_MEDIA, ".html": "text/html",
                 ".htm": "text/html", ".txt": "text/plain"}
FETCH_GATE = "bobao.fetch_gate"
# Finished manifests this large (a 100,000-sentence DOCX makes 25 MB) are kept gzipped too.
GZIP_STORED_MIN_BYTES = 256 * 1024
WAIT_GATE = "bobao.wait_gate"


@bp.record_once
def _install_limits(state: Any) -> None:
    config = state.app.config
    services = state.app.extensions["bobao"]
    lifecycle.watch(services)
    if config.get("RESUME_ON_START"):
        lifecycle.resume_unfinished(services)
    if config.get("FETCH_ALLOW_PRIVATE"):
        log.warning("FETCH_ALLOW_PRIVATE is ignored: list intranet networks in FETCH_PRIVATE_NETWORKS")
    state.app.extensions[FETCH_GATE] = ClientSlots(
        "fetches",
        per_client=int(config.get("FETCH_MAX_PER_CLIENT", 2)),
        total=int(config.get("FETCH_MAX_TOTAL", 3)),
    )
    state.app.extensions[WAIT_GATE] = ClientSlots(
        "waits",
        per_client=int(config.get("WAIT_MAX_PER_CLIENT", 1)),
        total=int(config.get("WAIT_MAX_TOTAL", 3)),
    )


def services() -> Services:
    found: Services = current_app.extensions["bobao"]
    return found


@bp.post("/documents")
@operation(
    "Register a document (text, HTML, a URL or a file) and start synthesizing it.",
    query=CreateQuery,
    body=CreateDocument,
    responses={
        201: json_reply(Manifest, "The manifest; audio fields fill in as synthesis progresses.",
                        Location="The document's URL.", Retry_After="Seconds to the next poll, until done."),
        400: error("Malformed body or parameter."),
        403: error("An engine or voice not offered here, or a cross-origin request not allowed."),
        413: error("Body or text too large."),
        422: error("Nothing readable, unknown voice, or a URL that cannot or may not be fetched."),
        429: error("Too many new documents from this client.", Retry_After="Seconds to wait."),
        503: error("Queue full or engine unavailable.", Retry_After="Seconds to wait."),
    },
)
def create_document() -> ResponseReturnValue:
    """Register a document and start synthesizing it."""
    body = _json_body()
    kind, value = _input_of(body)
    options = {name: body.get(name) for name in ("engine", "voice") if body.get(name) is not None}
    for name, option in options.items():
        if not isinstance(option, str):
            raise InvalidRequest(f"{name} must be a string")
    svc = services()
    check_engine(current_app.config, options.get("engine"), svc.engine_names)
    check_voice(current_app.config, options.get("voice"))
    if kind == "file":
        manifest = svc.create("file", _base64(value), content_type=_upload_type(body.get("filename")),
                              rate=body.get("rate"), engine=options.get("engine"), voice=options.get("voice"))
    elif kind == "url":
        content, content_type = _fetch(svc, value)
        manifest = svc.create(
            "url", content, url=value, content_type=content_type, rate=body.get("rate"),
            engine=options.get("engine"), voice=options.get("voice"),
        )
    else:
        manifest = svc.create(kind, value, rate=body.get("rate"), engine=options.get("engine"),
                              voice=options.get("voice"))
    if request.args.get("wait") in ("1", "true", "yes"):
        manifest = _wait(svc, manifest)
    response = jsonify(manifest)
    response.status_code = 201
    if manifest["status"] not in ("ready", "failed"):
        response.headers["Retry-After"] = "5"  # not done (yet): poll the Location
    response.headers["Location"] = url_for("api.get_document", doc_id=manifest["id"])
    return response


@bp.get("/documents/<doc_id>")
@operation(
    "A document's manifest.",
    path=DocumentPath,
    query=DocumentQuery,
    responses={
        200: json_reply(Manifest, "The manifest.", ETag="Only on a finished document."),
        304: not_modified(),
        400: error("at is not a sentence id."),
        404: error("No such document."),
    },
)
def get_document(doc_id: str) -> ResponseReturnValue:
    """The document's manifest; a finished one is sent as stored, with an ETag (pollers get 304)."""
    svc = services()
    ready = svc.ready_manifest_path(doc_id)
    if ready is not None:
        response = _stored_manifest(ready)
    else:
        response = jsonify(svc.manifest(doc_id, at=_sentence_at(request.args.get("at"))))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/voices")
@operation(
    "The voices of an engine.",
    query=VoicesQuery,
    responses={
        200: json_reply(Voices, "Voices."),
        400: error("Unknown engine."),
        403: error("An engine not offered here."),
        503: error("Engine unavailable."),
    },
)
def voices() -> ResponseReturnValue:
    """The voices one engine offers."""
    svc = services()
    check_engine(current_app.config, request.args.get("engine"), svc.engine_names)
    engine = svc.get_engine(request.args.get("engine") or None)
    listed: list[VoiceEntry] = [
        {
            "name": v.name,
            "engine": v.engine,
            "lang": v.lang,
            "gender": v.gender,
            "display_name": v.display_name,
        }
        for v in engine.voices()
        if voice_allowed(current_app.config, v.name)
    ]
    answer: Voices = {"engine": engine.name, "default": svc.default_voice(engine), "voices": listed}
    return jsonify(answer)


def _sentence_at(value: str | None) -> int | None:
    """``?at=<sentence id>``: where the polling listener is (moves synthesis there)."""
    if value is None:
        return None
    if not value.isdigit() or len(value) > 9:
        raise InvalidRequest("at must be a sentence id (a non-negative integer)")
    return int(value)


def _stored_manifest(path: Path) -> Response:
    """A finished manifest as stored (no JSON parse or re-encode); a large one from a stored gzip copy."""
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "").lower()
    if gzipped and path.stat().st_size >= GZIP_STORED_MIN_BYTES:
        response = current_app.response_class(_gzip_copy(path), mimetype="application/json")
        response.headers["Content-Encoding"] = "gzip"  # web.security leaves it as it is
    else:
        # Bytes, not a file handle: nothing is left open for the caller.
        response = current_app.response_class(path.read_bytes(), mimetype="application/json")
    response.vary.add("Accept-Encoding")
    response.add_etag()
    response.make_conditional(request)
    return response


def _gzip_copy(path: Path) -> bytes:
    """The gzip of a finished (so unchanging) manifest, compressed once and kept beside it."""
    copy = path.with_name(path.name + ".gz")
    try:
        return copy.read_bytes()
    except FileNotFoundError:
        data = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        write_atomic(copy, data)
        return data


def _wait(svc: Services, manifest: Manifest) -> Manifest:
    """Wait (bounded, in a slot) for the document to finish; the manifest as it then stands."""
    doc_id = manifest["id"]
    gate: ClientSlots = current_app.extensions[WAIT_GATE]
    try:
        with gate.slot(client_key(request.remote_addr)):
            wait_until_done(
                lambda slice_s: svc.wait(doc_id, slice_s),
                max_s=float(current_app.config.get("WAIT_MAX_S", 60)),
                environ=request.environ,
            )
    except NoSlot:
        return manifest  # no waiting for this one: it polls like the widget does
    return svc.store.load(doc_id)


def _fetch(svc: Services, url: str) -> tuple[str, str | None]:
    """Fetch a page for a new document: quota first, then a bounded slot, then the network."""
    check_synthesis_quota()  # before any outbound work; the token also pays for the synthesis
    gate: ClientSlots = current_app.extensions[FETCH_GATE]
    try:
        with gate.slot(client_key(request.remote_addr)):
            return _fetch_page(svc.config, url)
    except NoSlot as exc:
        retry_after_s = max(1, int(float(current_app.config.get("FETCH_TIMEOUT_S", 10.0))))
        if exc.per_client:
            raise RateLimited(retry_after_s) from None
        raise Busy(str(exc), retry_after_s) from None


def _fetch_page(config: Mapping[str, Any], url: str) -> tuple[str, str | None]:
    """Fetch ``url`` through ops' guarded fetcher; returns (base64 of the bytes, content type)."""
    try:
        from web.fetch import fetch_url
    except ImportError:
        raise InvalidRequest("url input is not available in this installation") from None
    data, content_type = fetch_url(
        url,
        allowed_hosts=config.get("FETCH_ALLOWED_HOSTS") or [],
        timeout_s=float(config.get("FETCH_TIMEOUT_S", 10.0)),
        max_bytes=int(config.get("FETCH_MAX_BYTES", 2 * 1024 * 1024)),
        private_networks=config.get("FETCH_PRIVATE_NETWORKS") or (),
    )
    # Keep the raw bytes: the reader detects GBK/Big5 itself, and a restart must re-read the same page.
    return base64.b64encode(data).decode("ascii"), content_type


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidRequest("the body must be a JSON object")
    return body


def _base64(value: str) -> str:
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidRequest("file must be the file's bytes in base64") from exc
    return value


def _upload_type(filename: object) -> str | None:
    if filename is not None and not isinstance(filename, str):
        raise InvalidRequest("filename must be a string")
    suffix = PurePosixPath(filename or "").suffix.lower()
    return _UPLOAD_TYPES.get(suffix)


def _input_of(body: dict[str, Any]) -> tuple[str, str]:
    given = [kind for kind in INPUT_KINDS if body.get(kind) is not None]
    if len(given) != 1:
        raise InvalidRequest('give exactly one of "text", "html", "url" or "file"')
    value = body[given[0]]
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest(f"{given[0]} must be a non-empty string")
    return given[0], value
