"""Moved to ``web.core.services``; this name stays importable (the same module object)."""

import sys

from web.core import services as _moved

sys.modules[__name__] = _moved
