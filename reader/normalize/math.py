"""Ratios, operators and symbols left over after every other class.

* ``1:2`` → 一比二; ``3∶1`` → 三比一
* ``1+N`` → 一加N; ``信用+商务楼宇`` → 信用加商务楼宇; ``±0.5`` → 正负零点五; ``≥`` → 大于等于
"""

from __future__ import annotations

import re

from reader.normalize.engine import Rule
from reader.normalize.engine import alternation
from reader.normalize.engine import needs
from reader.normalize.lexicon import NUM
from reader.normalize.lexicon import SYMBOLS
from reader.normalize.numbers import read_decimal

_RATIO = re.compile(
    rf"(?<![\d.:])(?P<a>{NUM})\s?[:∶：]\s?(?P<b>{NUM})(?P<more>(?:\s?[:∶]\s?{NUM})*)(?![\d:])"
)
_SYMBOL = re.compile(alternation([s for s in SYMBOLS if s]))


def _ratio(m: re.Match[str]) -> str:
    ends = [m["a"], m["b"], *re.findall(NUM, m["more"] or "")]
    return "比".join(read_decimal(e) for e in ends)


RATIO = Rule("ratio", _RATIO, _ratio, needs(":∶："))
SYMBOL = Rule("symbol", _SYMBOL, lambda m: SYMBOLS[m.group(0)], needs("".join(s[0] for s in SYMBOLS)))
