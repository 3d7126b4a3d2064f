"""Moved to ``web.core.schedule``; this name stays importable (the same module object)."""

import sys

from web.core import schedule as _moved

sys.modules[__name__] = _moved
