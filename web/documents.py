"""Moved to ``web.core.documents``; this name stays importable (the same module object)."""

import sys

from web.core import documents as _moved

sys.modules[__name__] = _moved
