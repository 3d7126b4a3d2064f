"""Moved to ``web.core.jobs``; this name stays importable (the same module object)."""

import sys

from web.core import jobs as _moved

sys.modules[__name__] = _moved
