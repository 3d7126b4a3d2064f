"""Moved to ``web.core.storage``; this name stays importable (the same module object)."""

import sys

from web.core import storage as _moved

sys.modules[__name__] = _moved
