"""The admin API under ``/admin/api``: clip-cache maintenance and the site pronunciation lexicon.

* **Access.** Every route needs ``Authorization: Bearer <ADMIN_TOKEN>`` (compared in constant time).
  With no ``ADMIN_TOKEN`` configured the whole API is switched off and answers **403
  ``admin_disabled``** — 403 rather than 404 so that an operator sees at once why it refuses.
  A missing or wrong token answers 401 with ``WWW-Authenticate: Bearer``.
* **Lexicon.** The site file is ``LEXICON_PATH`` (default ``<instance>/lexicon.tsv``); until one is
  written the shipped ``audio/data/lexicon.tsv`` applies. ``PUT`` replaces it atomically and puts the
  new reading into the engines that use it. The offline engine's version carries the lexicon version,
  so every cache key of its clips changes with the lexicon and stale readings are never served.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.resources
import logging
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request, send_file
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

import audio
import reader
from web import narration
from web.errors import INTERNAL, InvalidRequest, WebError, problem_for

log = logging.getLogger(__name__)
bp = Blueprint("admin", __name__, url_prefix="/admin/api")

LEXICON_ENGINE = "offline"  # the engine whose factory reads a lexicon file (edge/espeak take none by path)
MAX_ENTRIES = 5000
MAX_WORD_CHARS = 32
MAX_PREVIEW_CHARS = 300
_HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
_LATIN = re.compile(r"^[A-Za-z]+$")
_SYLLABLE = re.compile(r"^[a-z]+[1-5]$")
_HEADER = "# Site pronunciation lexicon, written by the admin API: word<TAB>pinyin<TAB>optional homophone\n"
_write_lock = threading.Lock()


class InvalidLexicon(WebError):
    """Entries sent to ``PUT /admin/api/lexicon`` that cannot be used; ``problems`` lists them."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__(f"{len(problems)} lexicon entries are invalid")
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon line: a word, one toned syllable per character, an optional homophone spelling."""

    word: str
    syllables: tuple[str, ...]
    say: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"word": self.word, "pinyin": " ".join(self.syllables), "say": self.say}


# ---------------------------------------------------------------- access


@bp.before_request
def _require_token() -> Response | None:
    token = current_app.config.get("ADMIN_TOKEN")
    if not token:
        return _error(403, "admin_disabled", "管理接口未启用。", "set ADMIN_TOKEN to enable the admin API")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode("utf-8"), str(token).encode("utf-8")
    ):
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


# ---------------------------------------------------------------- cache


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
    return jsonify({"removed_entries": result.removed_entries, "removed_bytes": result.removed_bytes,
                    "remaining_bytes": result.remaining_bytes})


@bp.post("/cache/verify")
def cache_verify() -> ResponseReturnValue:
    cache = current_app.extensions["bobao"].cache
    repair = _body().get("repair", False)
    if not isinstance(repair, bool):
        raise InvalidRequest("repair must be true or false")
    report = cache.verify(repair=repair)

    def names(paths: tuple[Path, ...]) -> list[str]:  # relative: the server's layout is not the client's
        return [path.relative_to(cache.root).as_posix() for path in paths]

    return jsonify({"checked": report.checked, "clean": report.clean, "repaired": report.repaired,
                    "partials": names(report.partials), "orphans": names(report.orphans),
                    "corrupt": names(report.corrupt)})


# ---------------------------------------------------------------- lexicon


def lexicon_path(app: Flask) -> Path:
    """The site lexicon file: ``LEXICON_PATH``, else ``<instance>/lexicon.tsv`` (it may not exist yet)."""
    configured = app.config.get("LEXICON_PATH")
    return Path(configured) if configured else Path(app.instance_path) / "lexicon.tsv"


def read_entries(path: Path) -> tuple[list[Entry], str]:
    """The entries of ``path`` if it exists, else of the shipped lexicon; and which one it was."""
    if path.is_file():
        return parse_tsv(path.read_text(encoding="utf-8")), "site"
    shipped = importlib.resources.files("audio") / "data" / "lexicon.tsv"
    return parse_tsv(shipped.read_text(encoding="utf-8")), "default"


def parse_tsv(text: str) -> list[Entry]:
    """The lexicon file format (see ``audio/lexicon.py``); a malformed line is an InvalidLexicon."""
    items = []
    for line in text.splitlines():
        fields = [field.strip() for field in line.split("#", 1)[0].rstrip().split("\t")]
        if fields[0]:
            items.append({"word": fields[0], "pinyin": fields[1] if len(fields) > 1 else "",
                          "say": fields[2] if len(fields) > 2 and fields[2] else None})
    return validate_entries(items)


def lexicon_version(entries: list[Entry]) -> str:
    """The version the engines compute for these entries (same canonical form as audio's Lexicon)."""
    by_word = {entry.word: entry for entry in entries}
    canonical = "\n".join(f"{e.word}\t{' '.join(e.syllables)}\t{e.say or ''}"
                          for e in sorted(by_word.values(), key=lambda e: e.word))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def validate_entries(items: object) -> list[Entry]:
    """Check every entry and raise InvalidLexicon listing all the bad ones at once."""
    if not isinstance(items, list):
        raise InvalidRequest("the body must be a JSON array of {word, pinyin, say?} objects")
    if len(items) > MAX_ENTRIES:
        raise InvalidRequest(f"{len(items)} entries; the limit is {MAX_ENTRIES}")
    entries: list[Entry] = []
    problems: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        entry, errors = _check_entry(item)
        if entry is not None and entry.word in seen:
            errors.append(f"{entry.word!r} is listed twice")
        if errors:
            word = item.get("word") if isinstance(item, dict) else None
            problems.append({"index": index, "word": word if isinstance(word, str) else None, "errors": errors})
        elif entry is not None:
            seen.add(entry.word)
            entries.append(entry)
    if problems:
        raise InvalidLexicon(problems)
    return entries


def _check_entry(item: object) -> tuple[Entry | None, list[str]]:
    if not isinstance(item, dict):
        return None, ["an entry must be an object {word, pinyin, say?}"]
    word, pinyin, say = item.get("word"), item.get("pinyin"), item.get("say")
    if not isinstance(word, str) or not 1 <= len(word.strip()) <= MAX_WORD_CHARS:
        return None, [f"word must be 1-{MAX_WORD_CHARS} characters"]
    word = word.strip()
    errors: list[str] = []
    if _LATIN.match(word):
        errors.append("Latin words are not read by the engines' lexicon yet; write the Chinese word")
    elif not _HAN.match(word):
        errors.append("word must be Chinese characters only (no spaces, digits or punctuation)")
    if not isinstance(pinyin, str):
        return None, [*errors, "pinyin must be a string such as 'chong2 qing4'"]
    syllables = tuple(s.replace("ü", "v").replace("u:", "v") for s in pinyin.lower().split())
    bad = [s for s in syllables if not _SYLLABLE.match(s)]
    if bad:
        errors.append(f"every syllable needs letters and a tone digit 1-5, got {', '.join(bad)}")
    elif len(syllables) != len(word):
        errors.append(f"{word!r} has {len(word)} characters but {len(syllables)} syllables")
    if say is not None and (not isinstance(say, str) or not _HAN.match(say.strip())):
        errors.append("say must be Chinese characters (a homophone spelling) or left out")
    spelled = say.strip() if isinstance(say, str) and say.strip() else None
    return (None if errors else Entry(word, syllables, spelled)), errors


def write_entries(path: Path, entries: list[Entry]) -> None:
    """Replace the file atomically: a reader sees the old or the new lexicon, never half of one."""
    lines = [_HEADER, *(f"{e.word}\t{' '.join(e.syllables)}\t{e.say or ''}".rstrip("\t") + "\n"
                        for e in entries)]
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-lexicon-", suffix=".tsv", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.writelines(lines)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def install_lexicon(app: Flask) -> None:
    """Make the app's engines read the current lexicon file (no-op while only the shipped one exists).

    Uses ``Services.reload_lexicon()`` when the services offer it; until then it swaps the loaded
    offline engine itself, as that is the engine whose factory takes a lexicon file.
    """
    services = app.extensions["bobao"]
    reload = getattr(services, "reload_lexicon", None)
    if callable(reload):
        reload()
        return
    path = lexicon_path(app)
    if not path.is_file() or LEXICON_ENGINE not in services.engine_names:
        return
    engine = audio.get_engine(LEXICON_ENGINE, lexicon=str(path))
    with services._lock:  # Services has no public setter yet (reload_lexicon is requested)
        services._engines[LEXICON_ENGINE] = engine


@bp.record_once
def _on_register(state: Any) -> None:
    """A site lexicon written before a restart applies from the start, not from the first admin call."""
    app = state.app
    if "bobao" in app.extensions and lexicon_path(app).is_file():
        try:
            install_lexicon(app)
        except audio.AudioError:
            log.exception("the site lexicon %s could not be loaded", lexicon_path(app))


def _lexicon_json(app: Flask) -> dict[str, Any]:
    entries, source = read_entries(lexicon_path(app))
    return {"version": lexicon_version(entries), "source": source, "count": len(entries),
            "entries": [entry.as_json() for entry in entries]}


@bp.get("/lexicon")
def lexicon_get() -> ResponseReturnValue:
    return jsonify(_lexicon_json(current_app))


@bp.put("/lexicon")
def lexicon_put() -> ResponseReturnValue:
    data = request.get_json(silent=True)
    items = data.get("entries") if isinstance(data, dict) else data
    entries = validate_entries(items)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with _write_lock:
        write_entries(lexicon_path(app), entries)
        install_lexicon(app)
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
    engine = _engine_with_current_lexicon(services, body.get("engine"))
    params = services.speech_params(engine, body.get("voice"), None)
    spoken = [s.spoken for s in reader.read_text(text).sentences if s.spoken.strip()]
    extra = narration.extra_key()
    if request.args.get("audio") in ("1", "true"):
        clip = audio.synthesize([(0, "".join(spoken))], engine, params, services.cache, extra_key=extra)[0]
        response = send_file(clip.path, mimetype="audio/mpeg", max_age=0)
        response.headers["X-Clip-Key"] = clip.key
        return response
    return jsonify({"engine": engine.name, "engine_version": engine.version, "voice": params.voice,
                    "lexicon_version": lexicon_version(read_entries(lexicon_path(current_app))[0]),
                    "sentences": [_preview(engine, params, sentence, extra) for sentence in spoken]})


def _engine_with_current_lexicon(services: Any, name: object) -> audio.Engine:
    if name is not None and not isinstance(name, str):
        raise InvalidRequest("engine must be a string")
    engine = services.get_engine(name)
    current = lexicon_version(read_entries(lexicon_path(current_app))[0])
    lexicon = getattr(engine, "lexicon", None)
    if engine.name == LEXICON_ENGINE and lexicon is not None and lexicon.version != current:
        install_lexicon(current_app._get_current_object())  # type: ignore[attr-defined]
        engine = services.get_engine(name)
    return engine


def _preview(engine: audio.Engine, params: audio.SpeechParams, spoken: str, extra: dict[str, str]) -> dict[str, Any]:
    lexicon = getattr(engine, "lexicon", None)
    result: dict[str, Any] = {"spoken": spoken, "text_engine_spoken": spoken, "readings": [],
                              "key": audio_key(engine, params, spoken, extra)}
    if lexicon is not None:
        result["text_engine_spoken"] = lexicon.apply_text(spoken)
        result["readings"] = [{"word": entry.word, "pinyin": " ".join(entry.syllables), "at": start}
                              for start, entry in lexicon.matches(spoken)]
    phonemes = getattr(engine, "phonemes", None)
    if callable(phonemes):
        result["phonemes"] = phonemes(spoken)
    return result


def audio_key(engine: audio.Engine, params: audio.SpeechParams, spoken: str, extra: dict[str, str]) -> str:
    """The clip-cache key narration uses for this spoken sentence."""
    return current_app.extensions["bobao"].cache.key_for(engine, params, spoken, extra=extra)
