"""Errors raised by `reader`.

    ReaderError
    ├── UnsupportedInput     not HTML or text (binary, undecodable, nesting too deep)
    │   └── InputTooLarge    over the size limit
    └── EmptyDocument        decoded, but nothing readable was found
"""

from __future__ import annotations


class ReaderError(Exception):
    """Base class of every error `reader` raises on purpose."""


class UnsupportedInput(ReaderError):
    """The input is not something `reader` can read."""


class InputTooLarge(UnsupportedInput):
    """The input is larger than the configured limit."""


class EmptyDocument(ReaderError):
    """The input decoded, but holds no readable text."""
