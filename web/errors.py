"""Errors raised by `web`, and the only place where any error becomes an HTTP answer.

    WebError
    ├── InvalidRequest      the request body or a parameter is malformed (400)
    ├── DocumentNotFound    no such document, section or clip; also every malformed id (404)
    ├── AudioNotReady       the document exists but its audio is still being made (409)
    ├── NotAllowed          an engine or voice the operator did not offer to clients (403)
    ├── TextTooLong         more characters than MAX_TEXT_CHARS (413)
    └── Busy                the synthesis queue is full; try again later (503 + Retry-After)

``register_error_handlers`` maps these, `reader` and `audio` errors, ops' fetch errors and
Werkzeug's HTTP errors to a status, a stable message code and a Chinese message. Requests under
``/api/``, ``/documents/`` and ``/audio/`` get JSON, everything else a small HTML page. A stack trace
never reaches a client: unexpected exceptions are logged and answered with a plain 500.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask
from flask import Response
from flask import jsonify
from flask import request
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from audio import AssemblyError
from audio import AudioError
from audio import CacheError
from audio import EngineUnavailable
from audio import SynthesisFailed
from audio import VoiceNotFound
from reader import EmptyDocument
from reader import InputTooLarge
from reader import ReaderError
from reader import UnsupportedInput
from web.core.errors import AudioNotReady
from web.core.errors import Busy
from web.core.errors import DocumentNotFound
from web.core.errors import InvalidRequest
from web.core.errors import NotAllowed
from web.core.errors import TextTooLong
from web.core.errors import WebError
from web.core.storage import RETRY_AFTER_S as STORAGE_RETRY_AFTER_S
from web.core.storage import is_disk_full

log = logging.getLogger(__name__)

__all__ = ["AudioNotReady", "Busy", "DocumentNotFound", "InvalidRequest", "NotAllowed", "Problem",
           "TextTooLong", "WebError", "problem_for", "register_error_handlers", "render_problem"]


@dataclass(frozen=True, slots=True)
class Problem:
    """What a client is told about an error."""

    status: int
    code: str
    message: str


# Most specific first: the first matching class wins.
PROBLEMS: tuple[tuple[type[BaseException], Problem], ...] = (
    (InvalidRequest, Problem(400, "bad_request", "请求格式不正确。")),
    (DocumentNotFound, Problem(404, "not_found", "找不到该文档或音频。")),
    (NotAllowed, Problem(403, "not_allowed", "该发音引擎或发音人未开放。")),
    (AudioNotReady, Problem(409, "audio_not_ready", "音频仍在生成中，请稍后再试。")),
    (TextTooLong, Problem(413, "text_too_long", "文本过长，无法朗读。")),
    (Busy, Problem(503, "busy", "服务器繁忙，请稍后再试。")),
    (InputTooLarge, Problem(413, "input_too_large", "页面内容过大，无法朗读。")),
    (EmptyDocument, Problem(422, "empty_document", "页面中没有可朗读的文字。")),
    (UnsupportedInput, Problem(422, "unsupported_input", "无法识别的页面格式。")),
    (ReaderError, Problem(422, "unreadable", "无法读取该页面。")),
    (VoiceNotFound, Problem(422, "voice_not_found", "没有这个发音人。")),
    (EngineUnavailable, Problem(503, "engine_unavailable", "语音引擎暂时不可用。")),
    (SynthesisFailed, Problem(503, "synthesis_failed", "语音合成失败，请稍后再试。")),
    (CacheError, Problem(503, "storage_error", "音频存储暂时不可用。")),
    (AssemblyError, Problem(500, "assembly_failed", "音频拼接失败。")),
    (AudioError, Problem(500, "audio_error", "音频处理出错。")),
)

HTTP_PROBLEMS: dict[int, Problem] = {
    400: Problem(400, "bad_request", "请求格式不正确。"),
    403: Problem(403, "forbidden", "没有权限访问。"),
    404: Problem(404, "not_found", "找不到该页面。"),
    405: Problem(405, "method_not_allowed", "不支持该请求方法。"),
    413: Problem(413, "payload_too_large", "请求内容过大。"),
    415: Problem(415, "unsupported_media_type", "不支持的内容类型。"),
    422: Problem(422, "unprocessable", "无法处理该请求。"),
    429: Problem(429, "too_many_requests", "请求过于频繁，请稍后再试。"),
    503: Problem(503, "unavailable", "服务暂时不可用，请稍后再试。"),
}

INTERNAL = Problem(500, "internal_error", "服务器内部错误。")
STORAGE_FULL = Problem(503, "storage_error", "服务器存储空间不足，请稍后再试。")
JSON_PREFIXES = ("/api/", "/documents/", "/audio/", "/admin/api/")


def problem_for(error: BaseException) -> Problem:
    """The Problem for an error raised on purpose by us, ops' fetcher, or Werkzeug."""
    for cls, problem in _all_problems():
        if isinstance(error, cls):
            return problem
    if is_disk_full(error):
        return STORAGE_FULL
    if isinstance(error, HTTPException):
        code = error.code or 500
        return HTTP_PROBLEMS.get(code, Problem(code, "http_error", "请求失败。"))
    return INTERNAL


def _all_problems() -> tuple[tuple[type[BaseException], Problem], ...]:
    try:  # ops' URL fetcher is optional: without it there is simply no url input.
        from web.fetch import FetchError
    except ImportError:
        return PROBLEMS
    return ((FetchError, Problem(422, "fetch_failed", "无法获取该网址的内容。")), *PROBLEMS)


def render_problem(problem: Problem, detail: str | None = None) -> Response:
    """JSON for API and download paths, a small HTML page otherwise."""
    if request.path.startswith(JSON_PREFIXES) or request.accept_mimetypes.best == "application/json":
        body = {"error": {"status": problem.status, "code": problem.code, "message": problem.message}}
        if detail:
            body["error"]["detail"] = detail
        response = jsonify(body)
    else:
        html = (
            '<!doctype html><html lang="zh-CN"><meta charset="utf-8">'
            f"<title>{problem.status} {escape(problem.message)}</title>"
            f"<h1>{escape(problem.message)}</h1><p>{problem.status} · {escape(problem.code)}</p></html>"
        )
        response = Response(html, mimetype="text/html")
    response.status_code = problem.status
    return response


def _handle(error: Exception) -> Response | HTTPException:
    if isinstance(error, HTTPException) and error.code is not None and error.code < 400:
        return error  # redirects and the like pass through untouched
    problem = problem_for(error)
    if problem is INTERNAL:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_problem(problem)
    detail = None if isinstance(error, HTTPException) else _safe_detail(error)
    response = render_problem(problem, detail)
    _copy_retry_after(error, response)
    _copy_content_range(error, response)
    return response


def _safe_detail(error: BaseException) -> str | None:
    """Our own exception messages are written for people; keep them short and single-line."""
    text = " ".join(str(error).split())
    return text[:300] or None


def _copy_retry_after(error: BaseException, response: Response) -> None:
    if response.status_code == 503 and problem_for(error).code == "storage_error":
        response.headers["Retry-After"] = str(STORAGE_RETRY_AFTER_S)
    elif isinstance(error, Busy):
        response.headers["Retry-After"] = str(error.retry_after_s)
    elif isinstance(error, HTTPException) and error.response is None:
        retry = getattr(error, "retry_after", None)
        if retry is not None:
            response.headers["Retry-After"] = str(int(retry))
    elif isinstance(error, HTTPException) and error.response is not None:
        retry_header = error.response.headers.get("Retry-After")
        if retry_header:
            response.headers["Retry-After"] = retry_header


def _copy_content_range(error: BaseException, response: Response) -> None:
    """A 416 says how long the file is (``bytes */<length>``), so a client can ask again."""
    if isinstance(error, HTTPException) and error.code == 416:
        for name, value in error.get_headers():
            if name.lower() == "content-range":
                response.headers["Content-Range"] = value


def register_error_handlers(app: Flask) -> None:
    """Answer every error with a status, a message code and a Chinese message; never a trace."""
    app.register_error_handler(Exception, _handle)
