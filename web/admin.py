"""The admin API under ``/admin/api``: clip-cache maintenance and the site pronunciation lexicon.

* **Access.** Every route needs ``Authorization: Bearer <ADMIN_TOKEN>`` (compared in constant time).
  With no ``ADMIN_TOKEN`` configured the whole API is switched off and answers **403
  ``admin_disabled``** — 403 rather than 404 so that an operator sees at once why it refuses.
  A missing or wrong token answers 401 with ``WWW-Authenticate: Bearer``; after ``ADMIN_AUTH_RATE``
  wrong tokens a client gets 429 + ``Retry-After`` until its allowance refills (``web.ratelimit``).
* **Lexicon.** ``PUT /lexicon`` replaces the site file (``web.sitelexicon``) atomically; every worker
  process notices the new file on its next request and puts it into its engines.
* Errors are always JSON (admin clients are scripts), with the codes of ``web.errors``.
"""

from __future__ import annotations

import hmac
import logging
import threading
from pathlib import Path
from typing import Any

from flask import Blueprint
from flask import Flask
from flask import Response
from flask import current_app
from flask import jsonify
from flask import request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

import audio
import reader
from web import narration
from web.errors import INTERNAL
from web.errors import InvalidRequest
from web.errors import problem_for
from web.ratelimit import admin_lockout_s
from web.ratelimit import record_admin_failure
from web.sitelexicon import InvalidLexicon
from web.sitelexicon import follow_lexicon_file
from web.sitelexicon import lexicon_path
from web.sitelexicon import lexicon_version
from web.sitelexicon import read_entries
from web.sitelexicon import validate_entries
from web.sitelexicon import write_entries

log = logging.getLogger(__name__)
bp = Blueprint("admin", __name__, url_prefix="/admin/api")

MAX_PREVIEW_CHARS = 300
_write_lock = threading.Lock()


@bp.before_request
def _require_token() -> Response | None:
    token = current_app.config.get("ADMIN_TOKEN")
    if not token:
        return _error(403, "admin_disabled", "管理接口未启用。", "set ADMIN_TOKEN to enable the admin API")
    locked_s = admin_lockout_s()
    if locked_s:  # checked before the token, so guessing during a lock-out learns nothing
        response = _error(429, "rate_limited", "管理令牌错误次数过多，请稍后再试。", retry_after_s=locked_s)
        response.headers["Retry-After"] = str(locked_s)
        return response
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode("utf-8"), str(token).encode("utf-8")
    ):
        record_admin_failure()
        response = _error(401, "unauthorized", "需要有效的管理令牌。", "send Authorization: Bearer <token>")
        response.headers["WWW-Authenticate"] = 'Bearer realm="bobao-admin"'
        return response
    return None


def _error(status: int, code: str, message: str, detail: str | None = None, **more: Any) -> Response:
    body: dict[str, Any] = {"status": status, "code": code, "message": message, **more}
    if detail:
        body["detail"] = detail
    response = jsonify({"error": body})
    response.status_code = status
    return response


@bp.errorhandler(Exception)
def _json_error(error: Exception) -> ResponseReturnValue:
    """Admin clients are scripts: always JSON, never a trace."""
    if isinstance(error, HTTPException) and error.code is not None and error.code < 400:
        return error
    if isinstance(error, InvalidLexicon):
        return _error(422, "invalid_lexicon", "发音词典条目有误。", str(error), entries=error.problems)
    problem = problem_for(error)
    if problem is INTERNAL:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _error(problem.status, problem.code, problem.message)
    detail = None if isinstance(error, HTTPException) else " ".join(str(error).split())[:300]
    return _error(problem.status, problem.code, problem.message, detail)


def _body() -> dict[str, Any]:
    """The JSON object body; an empty body counts as ``{}``."""
    if not request.get_data(cache=True):
        return {}
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidRequest("the body must be a JSON object")
    return data


@bp.get("/cache")
def cache_stats() -> ResponseReturnValue:
    stats = current_app.extensions["bobao"].cache.stats()
    return jsonify({"entries": stats.entries, "total_bytes": stats.total_bytes, "max_bytes": stats.max_bytes})


@bp.post("/cache/prune")
def cache_prune() -> ResponseReturnValue:
    cache = current_app.extensions["bobao"].cache
    limit = _body().get("max_bytes", cache.max_bytes)
    if limit is None:
        raise InvalidRequest("no max_bytes given and no AUDIO_CACHE_MAX_BYTES configured")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise InvalidRequest("max_bytes must be a whole number of bytes, 0 or more")
    result = cache.prune(limit)
    return jsonify(
        {
            "removed_entries": result.removed_entries,
            "removed_bytes": result.removed_bytes,
            "remaining_bytes": result.remaining_bytes,
        }
    )


@bp.post("/cache/verify")
def cache_verify() -> ResponseReturnValue:
    cache = current_app.extensions["bobao"].cache
    repair = _body().get("repair", False)
    if not isinstance(repair, bool):
        raise InvalidRequest("repair must be true or false")
    report = cache.verify(repair=repair)

    def names(paths: tuple[Path, ...]) -> list[str]:  # relative: the server's layout is not the client's
        return [path.relative_to(cache.root).as_posix() for path in paths]

    return jsonify(
        {
            "checked": report.checked,
            "clean": report.clean,
            "repaired": report.repaired,
            "partials": names(report.partials),
            "orphans": names(report.orphans),
            "corrupt": names(report.corrupt),
        }
    )


@bp.record_once
def _on_register(state: Any) -> None:
    """A site lexicon written before a restart applies from the first request on."""
    follow_lexicon_file(state.app)


@bp.before_app_request
def _follow() -> None:
    follow_lexicon_file(current_app._get_current_object())  # type: ignore[attr-defined]


def _lexicon_json(app: Flask) -> dict[str, Any]:
    entries, source = read_entries(lexicon_path(app))
    return {
        "version": lexicon_version(entries),
        "source": source,
        "count": len(entries),
        "entries": [entry.as_json() for entry in entries],
    }


@bp.get("/lexicon")
def lexicon_get() -> ResponseReturnValue:
    return jsonify(_lexicon_json(current_app))


@bp.put("/lexicon")
def lexicon_put() -> ResponseReturnValue:
    entries = validate_entries(request.get_json(silent=True))
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with _write_lock:
        write_entries(lexicon_path(app), entries)
        follow_lexicon_file(app)
    return jsonify(_lexicon_json(app))


@bp.post("/lexicon/preview")
def lexicon_preview() -> ResponseReturnValue:
    body = _body()
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InvalidRequest("text must be a non-empty string")
    if len(text) > MAX_PREVIEW_CHARS:
        raise InvalidRequest(f"{len(text)} characters; a preview takes at most {MAX_PREVIEW_CHARS}")
    services = current_app.extensions["bobao"]
    name = body.get("engine")
    if name is not None and not isinstance(name, str):
        raise InvalidRequest("engine must be a string")
    engine = services.get_engine(name)
    params = services.speech_params(engine, body.get("voice"), None)
    spoken = [s.spoken for s in reader.read_text(text).sentences() if s.spoken.strip()]
    if not spoken:
        raise InvalidRequest("the text has nothing to read aloud")
    extra = narration.extra_key()
    if request.args.get("audio") in ("1", "true"):
        clip = audio.synthesize([(0, "".join(spoken))], engine, params, services.cache, extra_key=extra)[0]
        try:  # read now: an eviction between synthesis and sending must not end in a half response
            data = clip.path.read_bytes()
        except OSError as exc:
            raise audio.CacheError(f"the audition clip vanished from the cache: {exc}") from exc
        headers = {"X-Clip-Key": clip.key, "Cache-Control": "no-store"}
        return Response(data, mimetype="audio/mpeg", headers=headers)
    return jsonify(
        {
            "engine": engine.name,
            "engine_version": engine.version,
            "voice": params.voice,
            "lexicon_version": lexicon_version(read_entries(lexicon_path(current_app))[0]),
            "sentences": [_preview(engine, params, sentence, extra) for sentence in spoken],
        }
    )


def _preview(
    engine: audio.Engine, params: audio.SpeechParams, spoken: str, extra: dict[str, str]
) -> dict[str, Any]:
    lexicon = getattr(engine, "lexicon", None)
    result: dict[str, Any] = {
        "spoken": spoken,
        "text_engine_spoken": spoken,
        "readings": [],
        "key": audio_key(engine, params, spoken, extra),
    }
    if lexicon is not None:
        result["text_engine_spoken"] = lexicon.apply_text(spoken)
        result["readings"] = [
            {"word": entry.word, "pinyin": " ".join(entry.syllables), "at": start}
            for start, entry in lexicon.matches(spoken)
        ]
    phonemes = getattr(engine, "phonemes", None)
    if callable(phonemes):
        result["phonemes"] = phonemes(spoken)
    return result


def audio_key(engine: audio.Engine, params: audio.SpeechParams, spoken: str, extra: dict[str, str]) -> str:
    """The clip-cache key narration uses for this spoken sentence: the first one holding a clip, else
    the best (``auto`` looks under several keys)."""
    cache: audio.ClipCache = current_app.extensions["bobao"].cache
    keys = cache.lookup_keys(engine, params, spoken, extra=extra)
    held = [key for key in keys if cache.path_for(key).with_suffix(".json").is_file()]
    return (held or keys)[0]
