"""Blueprint "downloads": the page MP3, section MP3s, the WebVTT and per-sentence clips.

Files are served from disk with ``send_file(conditional=True, etag=True)``, which answers Range
requests (206, suffix ranges, 416) and If-None-Match (304). Clips are content-addressed, so they
may be cached for a year; page files change when a document is re-synthesized, so they revalidate.
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

from web.errors import AudioNotReady
from web.errors import DocumentNotFound
from web.services import Services

bp = Blueprint("downloads", __name__)

CLIP_KEY_RE = re.compile(r"[0-9a-f]{64}")
IMMUTABLE_MAX_AGE_S = 31_536_000
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def services() -> Services:
    return current_app.extensions["bobao"]


@bp.get("/documents/<doc_id>.mp3")
def page_mp3(doc_id: str) -> ResponseReturnValue:
    manifest = services().store.load(doc_id)
    path = _ready(services().store.page_mp3(doc_id), manifest)
    return _send(path, "audio/mpeg", manifest["title"], f"bobao-{doc_id}", ".mp3")


@bp.get("/documents/<doc_id>/sections/<int:index>.mp3")
def section_mp3(doc_id: str, index: int) -> ResponseReturnValue:
    manifest = services().store.load(doc_id)
    if index >= len(manifest["sections"]):
        raise DocumentNotFound(f"{doc_id} has no section {index}")
    path = _ready(services().store.section_mp3(doc_id, index), manifest)
    heading = manifest["sections"][index]["heading"] or manifest["title"]
    return _send(path, "audio/mpeg", f"{manifest['title']} {heading}", f"bobao-{doc_id}-{index}", ".mp3")


@bp.get("/documents/<doc_id>.vtt")
def page_vtt(doc_id: str) -> ResponseReturnValue:
    manifest = services().store.load(doc_id)
    path = _ready(services().store.page_vtt(doc_id), manifest)
    return _send(path, "text/vtt; charset=utf-8", manifest["title"], f"bobao-{doc_id}", ".vtt")


@bp.get("/audio/<key>.mp3")
def clip_mp3(key: str) -> ResponseReturnValue:
    if CLIP_KEY_RE.fullmatch(key) is None:
        raise DocumentNotFound(key)
    path = services().cache.path_for(key)
    if not path.is_file():
        raise DocumentNotFound(key)
    response = send_file(
        path, mimetype="audio/mpeg", conditional=True, etag=True, max_age=IMMUTABLE_MAX_AGE_S
    )
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


def _ready(path: Path, manifest: dict) -> Path:
    """The file, once the document is ready; AudioNotReady while it is being made."""
    if manifest.get("status") != "ready":
        raise AudioNotReady(f"document {manifest['id']} is {manifest.get('status')}")
    if not path.is_file():
        raise DocumentNotFound(path.name)
    return path


def _send(path: Path, mimetype: str, title: str, ascii_name: str, suffix: str) -> Response:
    response = send_file(
        path, mimetype=mimetype, conditional=True, etag=True, max_age=current_app.config["DOWNLOAD_MAX_AGE_S"]
    )
    disposition = "attachment" if request.args.get("download") else "inline"
    response.headers["Content-Disposition"] = content_disposition(disposition, title, ascii_name, suffix)
    return response


def content_disposition(disposition: str, title: str, ascii_name: str, suffix: str) -> str:
    """``inline; filename="bobao-….mp3"; filename*=UTF-8''<title>.mp3`` (RFC 6266 / 5987)."""
    name = _UNSAFE_NAME.sub(" ", title).strip()[:120] or ascii_name
    return (
        f"{disposition}; filename=\"{ascii_name}{suffix}\"; filename*=UTF-8''{quote(name + suffix, safe='')}"
    )
