"""Written Chinese → spoken Chinese, one semantic class per module, with character alignments.

``normalize("共2户")`` → ``Normalized(text="共2户", spoken="共两户",
alignments=(Alignment("cardinal", 1, 2, 1, 2),))``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reader.errors import UnsupportedInput
from reader.model import Alignment
from reader.normalize.engine import Rule
from reader.normalize.engine import rewrite
from reader.normalize.inventory import CLASSES
from reader.normalize.inventory import RULES
from reader.normalize.inventory import RULES_BY_NAME
from reader.normalize.inventory import TRIGGER

# Bumped whenever a reading changes: it keys cached audio (zh-2: phone groups run together, 杠 in codes;
# zh-3: named numbers, identifiers, scores, ratings, arithmetic, two-digit years, 文号 with 年;
# zh-4: rates per 10万, ratio words before a colon, roots, more score words, times after a label colon,
# durations, listed years and ranks, quoted year names, zero-led 文号 serials).
NORMALIZER_VERSION = "zh-4"

__all__ = ["CLASSES", "NORMALIZER_VERSION", "RULES", "RULES_BY_NAME", "Normalized", "Rule", "normalize"]


@dataclass(frozen=True, slots=True)
class Normalized:
    """``text`` as written, ``spoken`` as read, and one alignment per rewritten span."""

    text: str
    spoken: str
    alignments: tuple[Alignment, ...]


def normalize(text: str, *, rules: Sequence[Rule] | None = None) -> Normalized:
    """Rewrite every number, date, code and symbol of ``text`` into words a TTS engine reads well."""
    if not isinstance(text, str):
        raise UnsupportedInput(f"normalize() needs str, got {type(text).__name__}")
    if rules is None:
        # Most sentences hold nothing to rewrite; one scan for a trigger character skips them.
        if TRIGGER.search(text) is None:
            return Normalized(text, text, ())
        rules = RULES
    spoken, alignments = rewrite(text, rules)
    return Normalized(text, spoken, alignments)
