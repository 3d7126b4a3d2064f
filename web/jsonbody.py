"""Request JSON that cannot crash a view: nesting depth and lone surrogates are refused as 400.

Python's decoder raises ``RecursionError`` (not ``ValueError``) on deeply nested arrays, and it
accepts ``"\\ud800"``, a string that no UTF-8 encoder (hashing, files, responses) can write later.
Both are turned into ``InvalidRequest`` while the body is parsed, so every view that reads JSON
gets a clean 400 with a reason instead of a 500 somewhere downstream.
"""

from __future__ import annotations

import json
from typing import Any

from flask.json.provider import DefaultJSONProvider

from web.errors import InvalidRequest

MAX_DEPTH = 64  # the API's deepest body is two levels; anything near this is an attack


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, with ``loads`` refusing what would fail later."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = json.loads(s, **kwargs)
        except RecursionError:
            raise InvalidRequest(f"the JSON body is nested too deeply (limit {MAX_DEPTH})") from None
        _check(value)
        return value


def _check(value: Any) -> None:
    """Walk ``value`` without recursion; refuse deep nesting and strings that are not valid Unicode."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                raise InvalidRequest(f"the JSON body is nested too deeply (limit {MAX_DEPTH})")
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidRequest(
            f"a JSON string holds a lone surrogate (\\u{ord(text[exc.start]):04x}); send valid Unicode"
        ) from None
