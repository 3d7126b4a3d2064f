"""Numbers known by name, read digit by digit as they are said: programmes, projects and models.

* ``863计划`` → 八六三计划; ``211工程`` → 二一一工程; ``“712”新规`` → “七一二”新规
* ``波音737`` → 波音七三七; ``737MAX`` → 七三七MAX; ``空客A350`` is a letter code (A三五零)

A number of three or four digits glued to the noun it names (计划, 工程, 客机 …) is a name, not a
count: a count would have its measure word in between (863个项目). Years before such a noun
(2035远景目标) read digit by digit too, which is how years are read.
"""

from __future__ import annotations

import re

from reader.normalize.engine import Rule
from reader.normalize.engine import alternation
from reader.normalize.engine import lead
from reader.normalize.engine import needs
from reader.normalize.numbers import read_digits

# Nouns a number names when written right before them.
_NAMED = (
    "计划 工程 项目 行动 战略 方针 工作法 机制 模式 体系 格局 布局 新规 精神 高校 院校 专项 平台 系列 "
    "型 客机 飞机 机型 战机 芯片 处理器 系统 框架 品牌 原则 方略 愿景 远景 试点 专班"
).split()
# Makers and words whose number is a model: 波音737, 空客320, 型号2045.
_MAKERS = "波音 空客 麦道 型号 机型 车型 编组".split()

_NAME = (
    # A round number (300工程) is a count with its measure word dropped, never a name.
    rf"(?<![\d.,A-Za-z])(?!\d{{1,2}}00(?!\d))(?P<n>\d{{3,4}})(?![\d.,])[”\"」》]?(?={alternation(_NAMED)})"
    rf"|(?<=[{''.join(w[-1] for w in _MAKERS)}])(?<=(?:{'|'.join(_MAKERS)}))(?P<model>\d{{3,4}})(?![\d.,])"
    # A model number glued to Latin capitals: 737MAX, 919C (a unit after the number is a measure).
    # Units in capitals (500KV, 100MW, 256GB) stay measures.
    r"|(?<![\d.,A-Za-z])(?P<glued>\d{3,4})(?=[A-Z]{2,}(?![a-z]))(?!KVA|KV|KW|MW|GW|KM|KG|KB|MB|GB|TB|MHZ|GHZ|HZ|CM|MM)"
)


def _name(m: re.Match[str]) -> str:
    number = m["n"] or m["model"] or m["glued"]
    return read_digits(number) + m.group(0)[len(number) :]


_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
NAME = Rule(
    "name", lead(r"\d", _NAME), _name, needs("0"), needs("".join(w[0] for w in _NAMED + _MAKERS) + _UPPER)
)
