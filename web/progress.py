"""Moved to ``web.core.progress``; this name stays importable (the same module object)."""

import sys

from web.core import progress as _moved

sys.modules[__name__] = _moved
