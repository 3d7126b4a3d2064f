"""Han (Chinese) characters: the one character class the whole tree uses.

``HAN`` is the body of a regular-expression character class (use it as ``f"[{HAN}]"``): the CJK
Unified Ideographs, Extension A and the Compatibility Ideographs of the Basic Multilingual Plane.
That covers every character of GB 18030's two-byte area and the rare-name characters government
pages carry; the supplementary planes (Extension B on) hold no character of ordinary page text.
"""

from __future__ import annotations

import re

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

_HAN_WORD = re.compile(rf"[{HAN}]+")


def is_han_word(text: str) -> bool:
    """Whether ``text`` is one or more Han characters and nothing else (a lexicon headword)."""
    return _HAN_WORD.fullmatch(text) is not None
