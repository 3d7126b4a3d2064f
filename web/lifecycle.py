"""Moved to ``web.core.lifecycle``; this name stays importable (the same module object)."""

import sys

from web.core import lifecycle as _moved

sys.modules[__name__] = _moved
