"""Question-and-answer pages (政策解读, 答记者问, 问答): each question opens a section.

Such pages write ``问：…？`` (often bold) and answer in the next paragraph with a run-in ``答：``.
A question line is a heading only when the page is really built that way: two or more questions,
or a question followed by an answer, so that one quoted ``问：`` in a report stays body text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_NUMBER = r"(?:[(（]?[一二三四五六七八九十\d]{1,3}[)）、.．]\s*)?"
_ASKER = r"(?:[一二三四五六七八九十]{0,3}问题?\s*[一二三四五六七八九十\d]{0,3}|提问|记者问?|Q\d{0,2})"
_QUESTION = re.compile(rf"^{_NUMBER}(?:{_ASKER}\s*[:：]|[【\[]\s*(?:问|提问|记者)\s*[】\]]\s*[:：]?)", re.I)
_ANSWER = re.compile(r"^(?:(?:答|回答|A\d{0,2})\s*[:：]|[【\[]\s*答\s*[】\]])", re.I)
_INLINE_ANSWER = re.compile(r"(?<=[？?。])\s*(?:答|回答)\s*[:：]")
_QUESTION_END = re.compile(r"[？?]")
_MAX_HEADING = 120


def qa_page(paragraphs: Sequence[str]) -> bool:
    """True when the paragraphs are laid out as questions and answers."""
    questions = sum(1 for p in paragraphs if _QUESTION.match(p))
    if questions != 1:
        return questions >= 2
    return any(_ANSWER.match(p) or ("答" in p and _INLINE_ANSWER.search(p)) for p in paragraphs)


def question(text: str) -> str | None:
    """The heading a question paragraph gives its section (the question itself), else None."""
    line = text.strip()
    if not _QUESTION.match(line):
        return None
    inline = _INLINE_ANSWER.search(line)
    if inline:
        line = line[: inline.start()].strip()
    end = _QUESTION_END.search(line)
    if end and end.end() <= _MAX_HEADING:
        return line[: end.end()]
    return line if len(line) <= _MAX_HEADING else None


def unmarked_questions(paragraphs: Sequence[str]) -> frozenset[int]:
    """Indices of questions written without 问：, known by the 答： that opens the next paragraph.

    Two such pairs are needed, so that one rhetorical question in a report stays body text.
    """
    found = frozenset(
        i for i in range(len(paragraphs) - 1)
        if len(paragraphs[i]) <= _MAX_HEADING and paragraphs[i].rstrip().endswith(("？", "?"))
        and _ANSWER.match(paragraphs[i + 1])
    )
    return found if len(found) >= 2 else frozenset()
