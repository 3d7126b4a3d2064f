"""Moved to ``web.core.marks``; this name stays importable (the same module object)."""

import sys

from web.core import marks as _moved

sys.modules[__name__] = _moved
