"""Fixed readings matched verbatim from ``data/whitelist.tsv``: ``PM2.5`` → PM二点五."""

from __future__ import annotations

import re

from reader.normalize.engine import Rule
from reader.normalize.engine import alternation
from reader.normalize.engine import needs
from reader.normalize.lexicon import WHITELIST

_WHITELIST = re.compile(rf"(?:{alternation(list(WHITELIST))})(?![\d.])")

_FIRST = "".join(w[0] for w in WHITELIST)
_SECOND = "".join(w[1:2] for w in WHITELIST)
WHITELIST_RULE = Rule("whitelist", _WHITELIST, lambda m: WHITELIST[m.group(0)], needs(_FIRST), needs(_SECOND))
