"""Headings from Chinese numbering in plain paragraphs, and their nesting.

Official documents number their parts 第一章 > 第一节 > 第一条 > 一、 > （一） > 1. > （1） > ①
(GB/T 9704 uses the middle four). A numbered paragraph is a heading when it is short, or when
it opens with a short run-in clause (``1. 优化政务服务。建立全区……``); then the heading is that
clause and the paragraph stays whole as the section's first paragraph.

Levels come from the order in which styles appear, as in an outline: a style already open
closes everything nested under it, and a new style nests under the current one unless it ranks
higher (``<h2>`` closes numbered parts; ``一、`` closes an open ``（一）``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN_NUM = "[一二三四五六七八九十百零〇]+"
# "第一部分的第一句话" and "第三条规定…" mention a part in running text; a heading's marker is followed by
# its title or a separator, never by a particle or a verb like these.
_NOT_TITLE = r"(?![的是中里和与及所在有为规明提指已，,。；;])"
_STYLES: tuple[tuple[str, float, re.Pattern[str]], ...] = (
    ("zhang", 1.0, re.compile(rf"^第{_CN_NUM}[章编]{_NOT_TITLE}")),
    ("bufen", 1.0, re.compile(rf"^第{_CN_NUM}部分{_NOT_TITLE}")),
    ("jie", 2.0, re.compile(rf"^第{_CN_NUM}节{_NOT_TITLE}")),
    ("tiao", 3.0, re.compile(rf"^第{_CN_NUM}条{_NOT_TITLE}")),
    ("cn", 4.0, re.compile(rf"^{_CN_NUM}\s*[、.．]")),
    ("cn_paren", 5.0, re.compile(rf"^[(（]\s*{_CN_NUM}\s*[)）]")),
    ("num_dot", 6.0, re.compile(r"^\d{1,2}\s*[.．](?:(?![\d.．])|(?=\d{1,2}月\d{1,2}日))")),  # 2.1月26日上班
    ("num_dun", 6.0, re.compile(r"^\d{1,2}\s*、")),
    ("num_paren", 7.0, re.compile(r"^[(（]\s*\d{1,2}\s*[)）]")),
    ("num_rparen", 7.0, re.compile(r"^\d{1,2}\s*[)）]")),
    ("circled", 8.0, re.compile(r"^[\u2460-\u2473]")),
)
_MAX_HEADING = 40
_MAX_QUESTION = 100
QA_RANK = 4.5
"""Questions of a Q&A page and bold headings nest under 一、 and above （一）, where a page mixes them."""
BOLD_RANK = 4.6
_MAX_RUN_IN = 32
_BAD_ENDINGS = tuple("，,；;、")
_STARTERS = frozenset("第一二三四五六七八九十百零〇(（0123456789") | {chr(c) for c in range(0x2460, 0x2474)}
_FIRST_CLAUSE = re.compile(r"[^。！？：:]*[。！？：:]")
_STOP = re.compile(r"[。！？]")
_BYLINE = re.compile(r"^[(（【\[]?\s*(?:本报|本台|本网)?"
                     r"(?:记者|通讯员|实习生|摄影|文/|图/|文：|图：|编辑|供稿|作者)")


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading found in a block: its outline style, rank and display text."""

    style: str
    rank: float
    text: str
    weak: bool = False
    """A short numbered sentence (``（二）学校不低于35%。``): a heading only if its siblings are."""


def html_heading(level: int, text: str) -> Heading:
    """An ``<hN>`` heading, ranked by its tag (above any numbering). Its style is its numbering if it
    has one, so that ``<h3>一、</h3>`` and a later ``<p>二、</p>`` are siblings."""
    line = text.strip()
    style = next((name for name, _, pattern in _STYLES if pattern.match(line)), f"h{level}")
    return Heading(style, level / 10, _strip_end(line))


def numbering_style(text: str) -> str | None:
    """The numbering style a paragraph opens with (``cn_paren`` for （一）), if any."""
    line = text.strip()
    if not line or line[0] not in _STARTERS:
        return None
    return next((style for style, _, pattern in _STYLES if pattern.match(line)), None)


def numbered_heading(text: str) -> Heading | None:
    """The heading a numbered paragraph opens with, or None for body text and list items."""
    line = text.strip()
    if not line or line[0] not in _STARTERS:
        return None
    for style, rank, pattern in _STYLES:
        m = pattern.match(line)
        if m is None:
            continue
        label = _heading_text(line, m.end(), style)
        weak = label is not None and line.rstrip().endswith("。") and len(_strip_end(line)) == len(label)
        return Heading(style, rank, label, weak) if label else None
    return None


def bold_heading(text: str) -> Heading | None:
    """An unnumbered bold line as a heading (used only where the page makes such lines its headings)."""
    line = text.strip()
    longest = _MAX_QUESTION if line.endswith(("？", "?")) else _MAX_HEADING
    if not 2 <= len(line) <= longest or line.endswith(_BAD_ENDINGS) or _inner_stop(line):
        return None
    if line.endswith(("。", "！", "!")) or "，" in line or "," in line:
        return None  # an emphasised sentence (特此通知。), not a title
    if line.startswith("各") and line.endswith(("：", ":")):
        return None  # the salutation: 各有关单位：
    if _BYLINE.match(line):
        return None  # 记者 张三 通讯员 李四
    return Heading("bold", BOLD_RANK, _strip_end(line))


def _heading_text(line: str, body_start: int, style: str) -> str | None:
    rest = line[body_start:].strip()
    if style == "tiao" and rest:
        return line[:body_start]  # 第三条 opens an article; the article text is its body.
    if style in ("zhang", "bufen", "jie") and line.rstrip().endswith(("。", "！", "？")):
        return None  # a sentence that happens to start with 第一部分…, not a part title
    longest = _MAX_QUESTION if line.endswith(("？", "?")) else _MAX_HEADING  # a numbered question
    if len(line) <= longest and not line.endswith(_BAD_ENDINGS) and not _inner_stop(line):
        return _strip_end(line) if rest or style in ("tiao", "zhang", "jie", "bufen") else None
    first = _FIRST_CLAUSE.match(line)
    if first and len(first.group(0)) <= _MAX_RUN_IN and len(first.group(0)) - body_start >= 2:
        return _strip_end(first.group(0))
    return None


def _inner_stop(line: str) -> bool:
    """A full stop before the end means several sentences: body text, not a heading."""
    return bool(_STOP.search(line.rstrip("。！？ ")))


def _strip_end(text: str) -> str:
    return text.strip().rstrip("。：:．.").strip()


class LevelTracker:
    """Turn a sequence of heading styles into outline levels (1 = top)."""

    def __init__(self) -> None:
        self._open: list[Heading] = []

    def level_of(self, heading: Heading) -> int:
        """The level of ``heading``; updates which styles are open."""
        styles = [h.style for h in self._open]
        if heading.style in styles:
            del self._open[styles.index(heading.style):]
        else:
            while self._open and self._open[-1].rank > heading.rank:
                self._open.pop()
        self._open.append(heading)
        return len(self._open)
