"""Blueprint "downloads": the page MP3, section MP3s, the WebVTT and per-sentence clips.

Files are served from disk with ``send_file(etag=True)`` made conditional here, which answers Range
requests (206, suffix ranges, 416 with ``Content-Range: bytes */<length>``) and If-None-Match (304).
A request for several ranges gets the whole file with 200 (RFC 9110 lets a server ignore Range),
because Werkzeug answers only single ranges and would otherwise refuse a valid request with 416.
Clips are content-addressed, so they may be cached for a year; page files change when a document
is re-synthesized, so they revalidate.
Every id is checked against a strict pattern before a path is built.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import request
from flask import send_file
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.http import parse_range_header

from web.bodies import ClipPath
from web.bodies import DocumentPath
from web.bodies import DownloadQuery
from web.bodies import RangeHeader
from web.core.manifest import Manifest
from web.core.services import Services
from web.errors import AudioNotReady
from web.errors import DocumentNotFound
from web.openapi.operation import operation
from web.openapi.replies import file_replies

bp = Blueprint("downloads", __name__)

CLIP_KEY_RE = re.compile(r"[0-9a-f]{64}")
IMMUTABLE_MAX_AGE_S = 31_536_000
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def services() -> Services:
    found: Services = current_app.extensions["bobao"]
    return found


@bp.get("/documents/<doc_id>.mp3")
@operation("The whole page as one MP3 with ID3 chapters.", path=DocumentPath, query=DownloadQuery,
           headers=RangeHeader, responses=file_replies("audio/mpeg", "The MP3.", ready_only=True))
def page_mp3(doc_id: str) -> ResponseReturnValue:
    manifest = services().store.load(doc_id)
    path = _ready(services().store.page_mp3(doc_id), manifest)
    return _send(path, "audio/mpeg", manifest["title"], f"bobao-{doc_id}", ".mp3")


@bp.get("/documents/<doc_id>/sections/<int:index>.mp3")
@operation("One section as an MP3.", path=DocumentPath, query=DownloadQuery, headers=RangeHeader,
           responses=file_replies("audio/mpeg", "The MP3.", ready_only=True))
def section_mp3(doc_id: str, index: int) -> ResponseReturnValue:
    manifest = services().store.load(doc_id)
    if index >= len(manifest["sections"]):
        raise DocumentNotFound(f"{doc_id} has no section {index}")
    path = _ready(services().store.section_mp3(doc_id, index), manifest)
    heading = manifest["sections"][index]["heading"] or manifest["title"]
    return _send(path, "audio/mpeg", f"{manifest['title']} {heading}", f"bobao-{doc_id}-{index}", ".mp3")


@bp.get("/documents/<doc_id>.vtt")
@operation("Sentence timings as WebVTT.", path=DocumentPath, query=DownloadQuery, headers=RangeHeader,
           responses=file_replies("text/vtt", "The WebVTT file.", ready_only=True))
def page_vtt(doc_id: str) -> ResponseReturnValue:
    manifest = services().store.load(doc_id)
    path = _ready(services().store.page_vtt(doc_id), manifest)
    # Werkzeug adds "; charset=utf-8" to every text/* type itself.
    return _send(path, "text/vtt", manifest["title"], f"bobao-{doc_id}", ".vtt")


@bp.get("/audio/<key>.mp3")
@operation("One sentence clip; content-addressed, cacheable for a year.", path=ClipPath, headers=RangeHeader,
           responses=file_replies("audio/mpeg", "The clip.", ready_only=False))
def clip_mp3(key: str) -> ResponseReturnValue:
    if CLIP_KEY_RE.fullmatch(key) is None:
        raise DocumentNotFound(key)
    path = services().cache.path_for(key)
    if not path.is_file():
        raise DocumentNotFound(key)
    response = _send_file(path, "audio/mpeg", IMMUTABLE_MAX_AGE_S)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


def _ready(path: Path, manifest: Manifest) -> Path:
    """The file, once the document is ready; AudioNotReady while it is being made."""
    if manifest.get("status") != "ready":
        raise AudioNotReady(f"document {manifest['id']} is {manifest.get('status')}")
    if not path.is_file():
        raise DocumentNotFound(path.name)
    return path


def _send(path: Path, mimetype: str, title: str, ascii_name: str, suffix: str) -> Response:
    response = _send_file(path, mimetype, current_app.config["DOWNLOAD_MAX_AGE_S"])
    disposition = "attachment" if request.args.get("download") else "inline"
    response.headers["Content-Disposition"] = content_disposition(disposition, title, ascii_name, suffix)
    return response


def _send_file(path: Path, mimetype: str, max_age_s: int) -> Response:
    """``send_file`` with Range and If-None-Match, where several ranges mean the whole file."""
    response = send_file(path, mimetype=mimetype, conditional=False, etag=True, max_age=max_age_s)
    environ = request.environ
    ranges = parse_range_header(environ.get("HTTP_RANGE"))
    if ranges is not None and len(ranges.ranges) > 1:
        environ = {key: value for key, value in environ.items() if key != "HTTP_RANGE"}
    try:
        response.make_conditional(environ, accept_ranges=True, complete_length=path.stat().st_size)
        return response  # make_conditional works in place (206/304 and their headers)
    except RequestedRangeNotSatisfiable:  # web.errors answers it and keeps its Content-Range header
        response.close()
        raise


def content_disposition(disposition: str, title: str, ascii_name: str, suffix: str) -> str:
    """``inline; filename="bobao-….mp3"; filename*=UTF-8''<title>.mp3`` (RFC 6266 / 5987)."""
    name = _UNSAFE_NAME.sub(" ", title).strip()[:120] or ascii_name
    return (
        f"{disposition}; filename=\"{ascii_name}{suffix}\"; filename*=UTF-8''{quote(name + suffix, safe='')}"
    )
