"""JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it) from the core's TypedDicts.

Objects forbid undeclared keys, so a field written anywhere but declared nowhere fails the tests that
validate real responses: the published schema cannot drift from what the code writes.
"""

from __future__ import annotations

import types
import typing
from typing import Any
from typing import Literal
from typing import NotRequired
from typing import Union

from web.core.manifest import Field

__all__ = ["schema_of", "schemas_of"]

_SCALARS = {int: "integer", str: "string", bool: "boolean", float: "number", type(None): "null"}


def schemas_of(*types_: type) -> dict[str, dict[str, Any]]:
    """Named schemas for ``components/schemas``; nested TypedDicts are written in place."""
    return {t.__name__: schema_of(t) for t in types_}


def schema_of(hint: Any) -> dict[str, Any]:
    """The JSON Schema of a type hint: scalars, ``X | None``, lists, Literals, TypedDicts, Annotated."""
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        inner, *extras = typing.get_args(hint)
        schema = schema_of(inner)
        for extra in extras:
            if isinstance(extra, Field):
                schema.update(_keywords(extra))
        return schema
    if origin is NotRequired:
        return schema_of(typing.get_args(hint)[0])
    if origin is Literal:
        return {"enum": list(typing.get_args(hint))}
    if origin is list:
        return {"type": "array", "items": schema_of(typing.get_args(hint)[0])}
    if origin in (Union, types.UnionType):
        return _union(typing.get_args(hint))
    if typing.is_typeddict(hint):
        return _object(hint)
    if hint in _SCALARS:
        return {"type": _SCALARS[hint]}
    raise TypeError(f"no JSON Schema for {hint!r}")


def _union(members: tuple[Any, ...]) -> dict[str, Any]:
    parts = [schema_of(member) for member in members]
    if all(set(part) == {"type"} and isinstance(part["type"], str) for part in parts):
        return {"type": [part["type"] for part in parts]}  # ["string", "null"]
    return {"anyOf": parts}


def _object(typed: Any) -> dict[str, Any]:
    hints = typing.get_type_hints(typed, include_extras=True)
    schema: dict[str, Any] = {
        "type": "object",
        "required": [name for name in hints if name in typed.__required_keys__],
        "properties": {name: schema_of(hint) for name, hint in hints.items()},
        "additionalProperties": False,
    }
    if typed.__doc__ and not typed.__doc__.startswith(typed.__name__ + "("):
        schema["description"] = " ".join(typed.__doc__.split())
    return schema


def _keywords(field: Field) -> dict[str, Any]:
    keywords = {"minimum": field.minimum, "pattern": field.pattern, "description": field.description}
    return {key: value for key, value in keywords.items() if value is not None}
