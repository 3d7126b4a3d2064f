"""Moved to ``web.core.readingrules``; this name stays importable (the same module object)."""

import sys

from web.core import readingrules as _moved

sys.modules[__name__] = _moved
