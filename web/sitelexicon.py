"""The site pronunciation lexicon file: validation of admin edits, atomic writes, and putting it
into the engines.

The file is ``LEXICON_PATH`` (default ``<instance>/lexicon.tsv``); until one is written the shipped
``audio/data/lexicon.tsv`` applies. Its model, parser, per-entry rules, writer and version are
``audio.Lexicon``'s: this module only adds what an HTTP edit needs (JSON shapes, a length cap,
duplicates, a hint for Latin words) and reports every bad entry at once. Only the offline engine's
factory reads a lexicon file; the key of each of its clips carries the entries that sentence holds
(``reading_version``), so an edit re-renders exactly the clips holding an edited word.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any
from typing import Literal

from flask import Flask

import audio
from audio import Lexicon
from audio import LexiconEntry
from audio import write_atomic
from web import adminbodies
from web.errors import InvalidRequest
from web.errors import WebError

log = logging.getLogger(__name__)

LEXICON_ENGINE = "offline"  # the engine whose factory reads a lexicon file (edge/espeak take none by path)
MAX_ENTRIES = 5000
MAX_WORD_CHARS = 32
_LATIN = re.compile(r"^[A-Za-z]+$")
_HEADER = "# Site pronunciation lexicon, written by the admin API: word<TAB>pinyin<TAB>optional homophone\n"


class InvalidLexicon(WebError):
    """Entries sent to ``PUT /admin/api/lexicon`` that cannot be used; ``problems`` lists them."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__(f"{len(problems)} lexicon entries are invalid")
        self.problems = problems


def entry_json(entry: LexiconEntry) -> adminbodies.LexiconEntry:
    """An entry as the admin API shows it (``say``: the homophone spelling)."""
    return {"word": entry.word, "pinyin": " ".join(entry.syllables), "say": entry.homophone}


def lexicon_path(app: Flask) -> Path:
    """The site lexicon file: ``LEXICON_PATH``, else ``<instance>/lexicon.tsv`` (it may not exist yet)."""
    configured = app.config.get("LEXICON_PATH")
    return Path(configured) if configured else Path(app.instance_path) / "lexicon.tsv"


def read_lexicon(path: Path) -> tuple[Lexicon, Literal["site", "default"]]:
    """The lexicon of ``path`` if it exists, else the shipped one; and which one it was."""
    if not path.is_file():
        return Lexicon.default(), "default"
    try:
        return Lexicon.load(path), "site"
    except audio.LexiconError as exc:
        raise InvalidLexicon([{"index": None, "word": None, "errors": [str(exc)]}]) from exc


def validate_entries(items: object) -> list[LexiconEntry]:
    """Check every entry and raise InvalidLexicon listing all the bad ones at once."""
    if not isinstance(items, list):
        raise InvalidRequest("the body must be a JSON array of {word, pinyin, say?} objects")
    if len(items) > MAX_ENTRIES:
        raise InvalidRequest(f"{len(items)} entries; the limit is {MAX_ENTRIES}")
    entries: list[LexiconEntry] = []
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


def _check_entry(item: object) -> tuple[LexiconEntry | None, list[str]]:
    """The JSON shape here; the rules of an entry are ``LexiconEntry.checked``'s."""
    if not isinstance(item, dict):
        return None, ["an entry must be an object {word, pinyin, say?}"]
    word, pinyin, say = item.get("word"), item.get("pinyin"), item.get("say")
    if not isinstance(word, str) or not 1 <= len(word.strip()) <= MAX_WORD_CHARS:
        return None, [f"word must be 1-{MAX_WORD_CHARS} characters"]
    word = word.strip()
    if _LATIN.match(word):
        return None, ["Latin words are not read by the engines' lexicon yet; write the Chinese word"]
    if not isinstance(pinyin, str):
        return None, ["pinyin must be a string such as 'chong2 qing4'"]
    if say is not None and not isinstance(say, str):
        return None, ["say must be Chinese characters (a homophone spelling) or left out"]
    return LexiconEntry.checked(word, pinyin, say.strip() if say and say.strip() else None)


def write_entries(path: Path, entries: list[LexiconEntry]) -> None:
    """Replace the file atomically: a reader sees the old or the new lexicon, never half of one."""
    write_atomic(path, Lexicon.from_entries(entries).to_tsv(header=_HEADER).encode("utf-8"))


def install_lexicon(app: Flask) -> None:
    """Make the app's engines read the current lexicon file (``Services.reload_lexicon``)."""
    app.extensions["bobao"].reload_lexicon()


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
