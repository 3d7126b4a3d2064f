"""Fixed readings matched verbatim from ``data/whitelist.tsv``: ``PM2.5`` → PM二点五."""

from __future__ import annotations

import re

from reader.normalize.engine import Rule
from reader.normalize.engine import alternation
from reader.normalize.engine import needs
from reader.normalize.lexicon import WHITELIST

_WHITELIST = re.compile(rf"(?:{alternation(list(WHITELIST))})(?![\d.])")

# Each entry's first character that is not a digit: a window of digits and Chinese alone (most of
# them) cannot hold an entry, and digits would make the rule run on every number.
_KEY = "".join(next((c for c in w if not c.isdecimal()), w[0]) for w in WHITELIST)
WHITELIST_RULE = Rule("whitelist", _WHITELIST, lambda m: WHITELIST[m.group(0)], needs(_KEY))
