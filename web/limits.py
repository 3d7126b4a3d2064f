"""Moved to ``web.core.limits``; this name stays importable (the same module object)."""

import sys

from web.core import limits as _moved

sys.modules[__name__] = _moved
