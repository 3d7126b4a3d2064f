"""The admin API under ``/admin/api``: clip-cache maintenance and the site pronunciation lexicon.

* **Access.** Every route needs ``Authorization: Bearer <ADMIN_TOKEN>`` (compared in constant time).
  With no ``ADMIN_TOKEN`` configured the whole API is switched off and answers **403
  ``admin_disabled``** — 403 rather than 404 so that an operator sees at once why it refuses.
  A missing or wrong token answers 401 with ``WWW-Authenticate: Bearer``; after ``ADMIN_AUTH_RATE``
  wrong tokens a client gets 429 + ``Retry-After`` until its allowance refills (``web.ratelimit``).
* **Lexicon.** ``PUT /lexicon`` replaces the site file (``web.sitelexicon``) atomically; every worker
  process notices the new file on its next request and puts it into its engines. ``POST
  /lexicon/preview`` may carry draft ``entries`` and ``rules``, to hear a change before saving it.
* **Reading rules** (``web.core.readingrules``): ``GET``/``PUT /rules``; a PUT answers how many stored
  sentences now read differently, which is how many clips will be rendered again.
* **Documents** in progress and ready, and **listener reports** (``web.reports``): ``GET /documents``,
  ``GET /reports``, ``DELETE /reports/<id>``. The operator console (``web.console``) uses all these.
* Errors are always JSON (admin clients are scripts), with the codes of ``web.errors``.
"""

from __future__ import annotations

import hmac
import logging
import threading
from collections.abc import Callable
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
from web import adminbodies as bodies
from web.core import narration
from web.core.readingrules import InvalidRules
from web.core.readingrules import ReadingRule
from web.core.readingrules import apply_rules
from web.core.readingrules import rules_version
from web.core.readingrules import spoken_with
from web.core.readingrules import validate_rules
from web.core.readingrules import write_rules
from web.errors import INTERNAL
from web.errors import DocumentNotFound
from web.errors import InvalidRequest
from web.errors import problem_for
from web.lexiconpreview import check_with_engine
from web.lexiconpreview import draft_engine
from web.lexiconpreview import preview_sentence
from web.openapi.operation import JSON
from web.openapi.operation import Reply
from web.openapi.operation import View
from web.openapi.operation import operation
from web.openapi.replies import error
from web.openapi.replies import json_reply
from web.ratelimit import admin_lockout_s
from web.ratelimit import record_admin_failure
from web.reports import report_store
from web.sitelexicon import InvalidLexicon
from web.sitelexicon import entry_json
from web.sitelexicon import follow_lexicon_file
from web.sitelexicon import lexicon_path
from web.sitelexicon import read_lexicon
from web.sitelexicon import validate_entries
from web.sitelexicon import write_entries

log = logging.getLogger(__name__)
bp = Blueprint("admin", __name__, url_prefix="/admin/api")

MAX_PREVIEW_CHARS = 300
_write_lock = threading.Lock()
_REFUSALS = {
    401: error("Missing or wrong admin token.", WWW_Authenticate="Bearer"),
    403: error("The admin API is disabled: no ADMIN_TOKEN is configured (code admin_disabled)."),
    429: error("Too many wrong admin tokens from this client (ADMIN_AUTH_RATE).",
               Retry_After="Seconds to wait."),
}
_BAD_BODY = error("Malformed JSON or a bad field.")


def _admin(summary: str, ok: Reply, **declared: Any) -> Callable[[View], View]:
    """``@operation`` for a route behind the admin token: its refusals and ``more`` replies added."""
    more: dict[int, Reply] = declared.pop("more", {})
    return operation(summary, responses={200: ok, **_REFUSALS, **more}, security=("adminToken",), **declared)


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
    if isinstance(error, InvalidRules):
        return _error(422, "invalid_rules", "读法规则有误。", str(error), rules=error.problems)
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
@_admin("Clip cache size.", json_reply(bodies.CacheSize, "Entries and bytes."))
def cache_stats() -> ResponseReturnValue:
    stats = current_app.extensions["bobao"].cache.stats()
    size: bodies.CacheSize = {"entries": stats.entries, "total_bytes": stats.total_bytes,
                              "max_bytes": stats.max_bytes}
    return jsonify(size)


@bp.post("/cache/prune")
@_admin("Evict least-recently-used clips down to max_bytes.", json_reply(bodies.Pruned, "What was removed."),
        body=bodies.PruneRequest, body_required=False, more={400: _BAD_BODY})
def cache_prune() -> ResponseReturnValue:
    cache = current_app.extensions["bobao"].cache
    limit = _body().get("max_bytes", cache.max_bytes)
    if limit is None:
        raise InvalidRequest("no max_bytes given and no AUDIO_CACHE_MAX_BYTES configured")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise InvalidRequest("max_bytes must be a whole number of bytes, 0 or more")
    result = cache.prune(limit)
    pruned: bodies.Pruned = {"removed_entries": result.removed_entries, "removed_bytes": result.removed_bytes,
                             "remaining_bytes": result.remaining_bytes}
    return jsonify(pruned)


@bp.post("/cache/verify")
@_admin("Check every clip's checksum; with repair, delete partial, orphan and corrupt files.",
        json_reply(bodies.Verified, "The report."), body=bodies.VerifyRequest, body_required=False,
        more={400: _BAD_BODY})
def cache_verify() -> ResponseReturnValue:
    cache = current_app.extensions["bobao"].cache
    repair = _body().get("repair", False)
    if not isinstance(repair, bool):
        raise InvalidRequest("repair must be true or false")
    report = cache.verify(repair=repair)

    def names(paths: tuple[Path, ...]) -> list[str]:  # relative: the server's layout is not the client's
        return [path.relative_to(cache.root).as_posix() for path in paths]

    verified: bodies.Verified = {
        "checked": report.checked, "clean": report.clean, "repaired": report.repaired,
        "partials": names(report.partials), "orphans": names(report.orphans),
        "corrupt": names(report.corrupt),
    }
    return jsonify(verified)


@bp.record_once
def _on_register(state: Any) -> None:
    """A site lexicon written before a restart applies from the first request on."""
    follow_lexicon_file(state.app)


@bp.before_app_request
def _follow() -> None:
    follow_lexicon_file(current_app._get_current_object())  # type: ignore[attr-defined]


def _lexicon_json(app: Flask) -> bodies.Lexicon:
    lexicon, source = read_lexicon(lexicon_path(app))
    return {
        "version": lexicon.version,
        "source": source,
        "count": len(lexicon),
        "entries": [entry_json(entry) for entry in lexicon.entries.values()],
    }


@bp.get("/lexicon")
@_admin("The pronunciation lexicon in use.", json_reply(bodies.Lexicon, "Entries and version."))
def lexicon_get() -> ResponseReturnValue:
    return jsonify(_lexicon_json(current_app))


@bp.put("/lexicon")
@_admin("Replace the site lexicon (atomically); engines use it at once.",
        json_reply(bodies.LexiconSaved, "The new lexicon."), body=list[bodies.LexiconEntry],
        more={400: _BAD_BODY, 422: error("Invalid entries; error.entries lists each with its problems.")})
def lexicon_put() -> ResponseReturnValue:
    entries = validate_entries(request.get_json(silent=True))
    check_with_engine(entries)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with _write_lock:
        before = list(read_lexicon(lexicon_path(app))[0].entries.values())
        write_entries(lexicon_path(app), entries)
        follow_lexicon_file(app)
    words = {e.word for e in set(before) ^ set(entries)}
    changed = _count_sentences(app.extensions["bobao"], lambda s: any(w in s["spoken"] for w in words))
    saved: bodies.LexiconSaved = {**_lexicon_json(app), "changed_sentences": changed}
    return jsonify(saved)


@bp.post("/lexicon/preview")
@_admin("How a text is read: spoken form, lexicon readings, phonemes (offline), cache key.",
        Reply("JSON preview, or with ?audio=1 an MP3 clip.", {JSON: bodies.Preview, "audio/mpeg": bytes},
              {"X-Clip-Key": "The clip's cache key (with ?audio=1)."}),
        query=bodies.PreviewQuery, body=bodies.PreviewRequest,
        more={400: _BAD_BODY, 422: error("Unknown voice."), 503: error("Engine unavailable.")})
def lexiconpreview_sentence() -> ResponseReturnValue:
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
    engine = draft_engine(services.get_engine(name), body.get("entries"))
    params = services.speech_params(engine, body.get("voice"), None)
    rules = validate_rules(body["rules"]) if "rules" in body else services.reading_rules()
    document = apply_rules(reader.read_text(text), rules)
    spoken = [s.spoken for s in document.sentences() if s.spoken.strip()]
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
    preview: bodies.Preview = {
        "engine": engine.name,
        "engine_version": engine.version,
        "voice": params.voice,
        "lexicon_version": read_lexicon(lexicon_path(current_app))[0].version,
        "sentences": [preview_sentence(engine, params, sentence, extra) for sentence in spoken],
    }
    return jsonify(preview)


@bp.get("/rules")
@_admin("The site's reading rules (written form → spoken form).", json_reply(bodies.Rules, "Rules."))
def rules_get() -> ResponseReturnValue:
    return jsonify(_rules_json(current_app.extensions["bobao"].reading_rules()))


@bp.put("/rules")
@_admin("Replace the reading rules (atomically); answers changed_sentences.",
        json_reply(bodies.RulesSaved, "The new rules and how many stored sentences now read differently."),
        body=list[bodies.ReadingRule],
        more={400: _BAD_BODY, 422: error("Invalid rules; error.rules lists each problem.")})
def rules_put() -> ResponseReturnValue:
    """Replace the reading rules; answers them with how many stored sentences now read differently."""
    rules = validate_rules(request.get_json(silent=True))
    services = current_app.extensions["bobao"]
    with _write_lock:
        before = services.reading_rules()
        write_rules(Path(current_app.config["READING_RULES_PATH"]), rules)
    changed = _changed_sentences(services, before, rules)
    saved: bodies.RulesSaved = {**_rules_json(rules), "changed_sentences": changed}
    return jsonify(saved)


def _rules_json(rules: list[ReadingRule]) -> bodies.Rules:
    return {"version": rules_version(rules), "count": len(rules),
            "rules": [{"written": r.written, "spoken": r.spoken} for r in rules]}


def _changed_sentences(services: Any, before: list[ReadingRule], after: list[ReadingRule]) -> int:
    """Stored sentences whose spoken text differs under ``after``: the clips to render again."""
    touched = {r.written for r in set(before) ^ set(after)}

    def changes(sentence: dict[str, Any]) -> bool:
        text = sentence["text"]
        return any(w in text for w in touched) and spoken_with(text, before) != spoken_with(text, after)

    return _count_sentences(services, changes) if touched else 0


def _count_sentences(services: Any, predicate: Callable[[dict[str, Any]], bool]) -> int:
    return sum(
        1
        for doc_id in services.store.ids()
        for section in services.store.load(doc_id)["sections"]
        for sentence in section["sentences"]
        if predicate(sentence)
    )


@bp.get("/documents")
@_admin("Stored documents with status and progress, work in progress first.",
        json_reply(bodies.DocumentList, "Documents and the number of queued jobs."))
def documents_list() -> ResponseReturnValue:
    """Every stored document, newest work first: status, progress and whether a job holds it."""
    services = current_app.extensions["bobao"]
    rows: list[bodies.DocumentRow] = []
    for doc_id in services.store.ids():
        manifest = services.store.load(doc_id)
        rows.append({"id": doc_id, "title": manifest.get("title"), "status": manifest.get("status"),
                     "progress": manifest.get("progress"), "engine": manifest.get("engine"),
                     "voice": manifest.get("voice"), "player": f"/d/{doc_id}"})
    order = {"synthesizing": 0, "pending": 1, "failed": 2, "ready": 3}
    rows.sort(key=lambda row: order.get(str(row["status"]), 4))
    listed: bodies.DocumentList = {"documents": rows, "queued": services.jobs.pending()}
    return jsonify(listed)


@bp.get("/reports")
@_admin("Listener reports: text, spoken form and clip of each reported sentence.",
        json_reply(bodies.ReportList, "Open reports, most reported first."))
def reports_list() -> ResponseReturnValue:
    reports = sorted(report_store().all(), key=lambda r: -int(r.get("count", 0)))
    listed: bodies.ReportList = {"count": len(reports), "reports": reports}
    return jsonify(listed)


@bp.delete("/reports/<report_id>")
@_admin("Close a report.", json_reply(bodies.Removed, "The closed report's id."), path=bodies.ReportPath,
        more={404: error("No such report.")})
def report_delete(report_id: str) -> ResponseReturnValue:
    if not report_store().remove(report_id):
        raise DocumentNotFound(f"no report {report_id}")
    removed: bodies.Removed = {"removed": report_id}
    return jsonify(removed)
