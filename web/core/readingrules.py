"""Site reading rules: a written form the normalizer gets wrong on this site → its spoken form.

``<instance>/reading_rules.json`` holds ``[{"written": "12345热线", "spoken": "幺二三四五热线"}, …]``,
edited in the operator console (``/admin``) through ``/admin/api/rules``. A written form is
replaced by its spoken form before the normalizer reads the text around it, with a "site"
alignment, so display offsets and highlighting stay right. Only sentences holding a written form
get another spoken text, and clips are keyed by spoken text: a new rule re-renders those
sentences' clips and no others. The rules' version goes into the document id, so a page read
before the change is read again (from the cache, but for those sentences).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import reader
from audio import write_atomic
from web.core.errors import InvalidRequest
from web.core.errors import WebError

MAX_RULES = 500
MAX_WRITTEN_CHARS = 40
MAX_SPOKEN_CHARS = 120
_SPOKEN_OK = re.compile(r"^[^\d\s<>{}]+$")  # what the engine reads as is: no digits to re-normalize


class InvalidRules(WebError):
    """Rules that cannot be used; ``problems`` lists each bad one with its errors."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__(f"{len(problems)} reading rules are invalid")
        self.problems = problems


@dataclass(frozen=True, slots=True)
class ReadingRule:
    written: str
    spoken: str

    def as_json(self) -> dict[str, str]:
        return {"written": self.written, "spoken": self.spoken}


def rules_path(instance_path: str | Path) -> Path:
    return Path(instance_path) / "reading_rules.json"


def read_rules(path: Path) -> list[ReadingRule]:
    """The saved rules; none before the first save. A damaged file is an error, never ignored."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        problem = {"index": None, "written": None, "errors": [f"cannot read {path.name}: {exc}"]}
        raise InvalidRules([problem]) from exc
    return validate_rules(data)


def write_rules(path: Path, rules: list[ReadingRule]) -> None:
    """Replace the file atomically: readers see the old or the new rules, never half."""
    data = json.dumps([rule.as_json() for rule in rules], ensure_ascii=False, indent=1)
    write_atomic(path, data.encode("utf-8"))


def rules_version(rules: list[ReadingRule]) -> str:
    """Empty for no rules (document ids stay as they were), else a short hash of the rules."""
    if not rules:
        return ""
    canonical = "\n".join(f"{r.written}\t{r.spoken}" for r in sorted(rules, key=lambda r: r.written))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def validate_rules(items: object) -> list[ReadingRule]:
    """Check every rule and raise InvalidRules listing all the bad ones at once."""
    if not isinstance(items, list):
        raise InvalidRequest("the body must be a JSON array of {written, spoken} objects")
    if len(items) > MAX_RULES:
        raise InvalidRequest(f"{len(items)} rules; the limit is {MAX_RULES}")
    rules: list[ReadingRule] = []
    problems: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        rule, errors = _check(item)
        if rule is not None and rule.written in seen:
            errors.append(f"{rule.written!r} is listed twice")
        if errors or rule is None:
            written = item.get("written") if isinstance(item, dict) else None
            problems.append({"index": index, "written": written if isinstance(written, str) else None,
                             "errors": errors})
        else:
            seen.add(rule.written)
            rules.append(rule)
    if problems:
        raise InvalidRules(problems)
    return rules


def _check(item: object) -> tuple[ReadingRule | None, list[str]]:
    if not isinstance(item, dict):
        return None, ["a rule must be an object {written, spoken}"]
    written, spoken = item.get("written"), item.get("spoken")
    errors: list[str] = []
    if not isinstance(written, str) or not 1 <= len(written.strip()) <= MAX_WRITTEN_CHARS:
        errors.append(f"written must be 1-{MAX_WRITTEN_CHARS} characters")
    elif "\n" in written:
        errors.append("written must be on one line")
    if not isinstance(spoken, str) or not 1 <= len(spoken.strip()) <= MAX_SPOKEN_CHARS:
        errors.append(f"spoken must be 1-{MAX_SPOKEN_CHARS} characters")
    elif not _SPOKEN_OK.match(spoken.strip()):
        errors.append("spoken must be words as read aloud: no digits, spaces or markup (一二三, not 123)")
    if errors:
        return None, errors
    assert isinstance(written, str) and isinstance(spoken, str)
    return ReadingRule(written.strip(), spoken.strip()), []


def _pattern(rules: list[ReadingRule]) -> re.Pattern[str]:
    """Any written form; the longest first, so 12345热线 wins over 12345."""
    written = sorted({rule.written for rule in rules}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in written))


def normalize_with(text: str, rules: list[ReadingRule]) -> tuple[str, tuple[reader.Alignment, ...]]:
    """``text`` read with the site's rules first: every written form is replaced by its spoken form
    (a "site" alignment), and the text between them goes through the normalizer as usual.

    The rules are applied before the normalizer rather than inside it, because the normalizer takes
    the leftmost match: "拨打12345" would otherwise win over a rule for "12345热线".
    """
    table = {rule.written: rule.spoken for rule in rules}
    spoken: list[str] = []
    alignments: list[reader.Alignment] = []
    at = spoken_at = 0

    def plain(segment: str, offset: int) -> None:
        nonlocal spoken_at
        result = reader.normalize(segment)
        alignments.extend(
            dataclasses.replace(a, text_start=a.text_start + offset, text_end=a.text_end + offset,
                                spoken_start=a.spoken_start + spoken_at, spoken_end=a.spoken_end + spoken_at)
            for a in result.alignments
        )
        spoken.append(result.spoken)
        spoken_at += len(result.spoken)

    for match in _pattern(rules).finditer(text):
        plain(text[at : match.start()], at)
        said = table[match.group()]
        end = spoken_at + len(said)
        alignments.append(reader.Alignment("site", match.start(), match.end(), spoken_at, end))
        spoken.append(said)
        spoken_at += len(said)
        at = match.end()
    plain(text[at:], at)
    return "".join(spoken), tuple(alignments)


def apply_rules(document: reader.Document, rules: list[ReadingRule]) -> reader.Document:
    """``document`` with every sentence holding a written form read again, the rules first."""
    if not rules:
        return document
    sections = []
    for section in document.sections:
        sentences = tuple(_again(sentence, rules) for sentence in section.sentences)
        sections.append(dataclasses.replace(section, sentences=sentences))
    return dataclasses.replace(document, sections=tuple(sections))


def spoken_with(text: str, rules: list[ReadingRule]) -> str:
    """How ``text`` is read with ``rules`` (for previews and for counting what a change affects)."""
    if not any(rule.written in text for rule in rules):
        return reader.normalize(text).spoken
    return normalize_with(text, rules)[0]


def _again(sentence: reader.Sentence, rules: list[ReadingRule]) -> reader.Sentence:
    if not any(rule.written in sentence.text for rule in rules):
        return sentence
    spoken, alignments = normalize_with(sentence.text, rules)
    return dataclasses.replace(sentence, spoken=spoken, alignments=alignments)
