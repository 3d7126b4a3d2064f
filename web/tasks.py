"""Moved to ``web.core.tasks``; this name stays importable (the same module object)."""

import sys

from web.core import tasks as _moved

sys.modules[__name__] = _moved
