"""Moved to ``web.core.skipping``; this name stays importable (the same module object)."""

import sys

from web.core import skipping as _moved

sys.modules[__name__] = _moved
