"""Moved to ``web.core.narration``; this name stays importable (the same module object)."""

import sys

from web.core import narration as _moved

sys.modules[__name__] = _moved
