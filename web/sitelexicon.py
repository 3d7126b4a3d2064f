"""The site pronunciation lexicon file: validation, atomic writes, and putting it into the engines.

The file is ``LEXICON_PATH`` (default ``<instance>/lexicon.tsv``) in the TSV format of
``audio/lexicon.py``; until one is written the shipped ``audio/data/lexicon.tsv`` applies. Only the
offline engine's factory reads a lexicon file; the key of each of its clips carries the entries that
sentence holds (``reading_version``), so an edit re-renders exactly the clips holding an edited word
and a stale reading is never served from the cache.
Entries are validated here with the same rules as ``audio``'s parser (plus a length cap and
duplicate check), so a file we write is always one the engine can load.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

import audio
from web.core.documents import atomic_write_bytes
from web.errors import InvalidRequest
from web.errors import WebError

log = logging.getLogger(__name__)

LEXICON_ENGINE = "offline"  # the engine whose factory reads a lexicon file (edge/espeak take none by path)
MAX_ENTRIES = 5000
MAX_WORD_CHARS = 32
_HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
_LATIN = re.compile(r"^[A-Za-z]+$")
_SYLLABLE = re.compile(r"^[a-z]+[1-5]$")
_HEADER = "# Site pronunciation lexicon, written by the admin API: word<TAB>pinyin<TAB>optional homophone\n"


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


def lexicon_path(app: Flask) -> Path:
    """The site lexicon file: ``LEXICON_PATH``, else ``<instance>/lexicon.tsv`` (it may not exist yet)."""
    configured = app.config.get("LEXICON_PATH")
    return Path(configured) if configured else Path(app.instance_path) / "lexicon.tsv"


def read_entries(path: Path) -> tuple[list[Entry], str]:
    """The entries of ``path`` if it exists, else of the shipped lexicon; and which one it was."""
    if path.is_file():
        try:
            return parse_tsv(path.read_text(encoding="utf-8")), "site"
        except (OSError, UnicodeDecodeError) as exc:
            problem = {"index": None, "word": None, "errors": [f"cannot read {path.name}: {exc}"]}
            raise InvalidLexicon([problem]) from exc
    shipped = importlib.resources.files("audio") / "data" / "lexicon.tsv"
    return parse_tsv(shipped.read_text(encoding="utf-8")), "default"


def parse_tsv(text: str) -> list[Entry]:
    """The lexicon file format (see ``audio/lexicon.py``); a malformed line is an InvalidLexicon."""
    items = []
    for line in text.splitlines():
        fields = [field.strip() for field in line.split("#", 1)[0].rstrip().split("\t")]
        if fields[0]:
            items.append(
                {
                    "word": fields[0],
                    "pinyin": fields[1] if len(fields) > 1 else "",
                    "say": fields[2] if len(fields) > 2 and fields[2] else None,
                }
            )
    # A hand-edited file may repeat a word; like audio's parser, the later line wins.
    return validate_entries(list({item["word"]: item for item in items}.values()))


def lexicon_version(entries: list[Entry]) -> str:
    """The version the engines compute for these entries (same canonical form as audio's Lexicon)."""
    by_word = {entry.word: entry for entry in entries}
    canonical = "\n".join(
        f"{e.word}\t{' '.join(e.syllables)}\t{e.say or ''}"
        for e in sorted(by_word.values(), key=lambda e: e.word)
    )
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
            problems.append(
                {"index": index, "word": word if isinstance(word, str) else None, "errors": errors}
            )
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
    lines = [
        _HEADER,
        *(f"{e.word}\t{' '.join(e.syllables)}\t{e.say or ''}".rstrip("\t") + "\n" for e in entries),
    ]
    atomic_write_bytes(path, "".join(lines).encode("utf-8"))


def install_lexicon(app: Flask) -> None:
    """Make the app's engines read the current lexicon file (no-op while only the shipped one exists).

    Uses ``Services.reload_lexicon()`` when the services offer it; until then it swaps the offline
    engine (the one whose factory reads a lexicon file) into the services itself.
    """
    services = app.extensions["bobao"]
    reload = getattr(services, "reload_lexicon", None)
    if callable(reload):
        reload()
        return
    path = lexicon_path(app)
    if LEXICON_ENGINE in services.engine_names:  # no file (deleted): back to the shipped lexicon
        engine = audio.get_engine(LEXICON_ENGINE, lexicon=str(path) if path.is_file() else None)
        with services._lock:  # Services has no public setter yet (reload_lexicon is requested)
            services._engines[LEXICON_ENGINE] = engine


def follow_lexicon_file(app: Flask) -> None:
    """Install the lexicon file again when it changed: after a restart, a PUT answered by another
    worker process, or a hand edit. One stat per request; a broken file keeps the previous reading."""
    if "bobao" not in app.extensions:
        return
    path = lexicon_path(app)
    try:  # the inode too: os.replace makes a new one, so a rewrite shows even within one mtime tick
        info = path.stat()
        stamp: tuple[int, int, int] | None = (info.st_ino, info.st_mtime_ns, info.st_size)
    except OSError:
        stamp = None
    state = app.extensions.setdefault("bobao.sitelexicon", {})
    if state.get("stamp") == stamp:
        return
    state["stamp"] = stamp
    try:
        install_lexicon(app)
    except audio.AudioError:
        log.exception("the site lexicon %s cannot be used; keeping the previous one", path)
