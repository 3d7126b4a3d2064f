"""Sentence spans inside one paragraph, as half-open offsets into its text.

Examples (spans shown as the text they cover):

* ``他说：“好。”我们走吧！`` → ``他说：“好。”`` · ``我们走吧！``
* ``《摔跤吧！爸爸》好吗？好！`` → ``《摔跤吧！爸爸》好吗？`` · ``好！``
* ``增长3.5%。详见https://a.gov.cn/x?id=1。`` → two sentences; no cut inside 3.5 or the URL.

Sentences longer than ``max_chars`` are cut at the last ``；``, then ``，``, then ``、`` (the
phrase hierarchy read-aloud uses), because TTS engines cut or refuse long requests.
"""

from __future__ import annotations

import re

from reader.han import HAN

_STOPS = "。！？；!?;…"
_CLOSERS = "”’\"'」』）)】〕》"
CLAUSE_MARKS = "，、：,:"
"""Marks that end a clause inside a sentence (a sentence stop ends one too)."""
CLAUSE_END = re.compile(rf"[{re.escape(CLAUSE_MARKS + _STOPS)}]+[{re.escape(_CLOSERS)}\]]*")
"""A clause's closing punctuation, with the quotes and brackets that close with it: where a text
that must be cut into pieces (an engine's request budget, a lead-in piece) is best cut."""
_OPENERS = {"《": "》", "「": "」", "『": "』"}
_URL = re.compile(r"(?:https?://|www\.)[\w\-./?%&=#:~+@,;!]*[\w/#=]", re.ASCII)
_WORDISH = re.compile(rf"[\w{HAN}]")
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "no", "st", "vs", "etc", "e.g", "i.e", "prof", "inc", "fig"}
)
_PHRASE_BREAKS = ("；;", "，,：:", "、 ")


def split_sentences(text: str, max_chars: int = 150) -> list[tuple[int, int]]:
    """Split one paragraph (no ``"\\n"``) into trimmed sentence spans of at most ``max_chars``."""
    spans = _merge_bare_punctuation(text, _raw_spans(text))
    out: list[tuple[int, int]] = []
    for start, end in spans:
        out.extend(_cap_length(text, start, end, max(8, max_chars)))
    return out


def _raw_spans(text: str) -> list[tuple[int, int]]:
    """Cut after each sentence stop that is outside brackets and URLs, keeping closers."""
    protected = _protected(text)
    spans: list[tuple[int, int]] = []
    start, i, n = 0, 0, len(text)
    depth: list[str] = []
    while i < n:
        ch = text[i]
        if ch in _OPENERS:
            depth.append(_OPENERS[ch])
        elif depth and ch == depth[-1]:
            depth.pop()
        elif not depth and not protected[i] and _is_stop(text, i):
            end = _absorb_stops_and_closers(text, i + 1)
            spans.append((start, end))
            start, i = end, end
            continue
        i += 1
        if len(depth) and i - start > 400:
            depth.clear()  # An unclosed 《 must not swallow the rest of the paragraph.
    spans.append((start, n))
    return [t for t in (_trim(text, s, e) for s, e in spans) if t[0] < t[1]]


def _protected(text: str) -> list[bool]:
    """Mark characters that belong to a URL, where stops are not sentence ends."""
    mask = [False] * len(text)
    for m in _URL.finditer(text):
        for k in range(m.start(), m.end()):
            mask[k] = True
    return mask


def _is_stop(text: str, i: int) -> bool:
    ch = text[i]
    if ch in "。！？；…":
        return True
    if ch in "!?;":
        return i + 1 == len(text) or text[i + 1].isspace() or not text[i + 1].isascii()
    if ch == ".":
        return _latin_period(text, i)
    return False


def _latin_period(text: str, i: int) -> bool:
    """A '.' ends a sentence only after a word and before a space: never in 3.14 or '1. '."""
    if i + 1 < len(text) and not text[i + 1].isspace():
        return False
    start = i
    while start > 0 and (text[start - 1] == "." or ("a" <= text[start - 1].lower() <= "z")):
        start -= 1
    if start == i:
        return False
    token = text[start:i].lower()
    return token not in _ABBREVIATIONS and len(token) > 1


def _absorb_stops_and_closers(text: str, j: int) -> int:
    while j < len(text) and (text[j] in _STOPS or text[j] in _CLOSERS):
        j += 1
    return j


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _merge_bare_punctuation(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Glue spans without any word character (a lone '……' or '”') to the sentence before."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and not _WORDISH.search(text, start, end):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _cap_length(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut a long span at the best phrase break, falling back to a hard cut."""
    pieces: list[tuple[int, int]] = []
    while end - start > max_chars:
        cut = _best_cut(text, start, start + max_chars)
        s, e = _trim(text, start, cut)
        if s < e:
            pieces.append((s, e))
        start = _trim(text, cut, end)[0]
    if start < end:
        pieces.append((start, end))
    return pieces


def _best_cut(text: str, start: int, limit: int) -> int:
    """The offset just after the last preferred break in text[start:limit], outside 《》."""
    floor = start + max(1, (limit - start) // 3)
    inside = _inside_titles(text, start, limit)
    for marks in _PHRASE_BREAKS:
        for k in range(limit - 1, floor - 1, -1):
            if text[k] in marks and not inside[k - start]:
                return k + 1
    return _hard_cut(text, floor, limit)


def _inside_titles(text: str, start: int, limit: int) -> list[bool]:
    flags: list[bool] = []
    depth = 0
    for ch in text[start:limit]:
        if ch in _OPENERS:
            depth += 1
        flags.append(depth > 0)
        if depth and ch in _OPENERS.values():
            depth -= 1
    return flags


def _hard_cut(text: str, floor: int, limit: int) -> int:
    """Cut at ``limit`` unless that splits a run of ASCII letters or digits."""
    for k in range(limit, floor, -1):
        if not (text[k - 1].isascii() and text[k - 1].isalnum() and text[k].isascii() and text[k].isalnum()):
            return k
    return limit
