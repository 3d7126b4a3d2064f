"""JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it) from the TypedDicts of manifests and bodies.

Objects forbid undeclared keys, so a field written anywhere but declared nowhere fails the tests that
validate real responses: the published schema cannot drift from what the code writes. Given a
``refs`` dict, every TypedDict becomes one named schema there (its class name) and is referred to
by ``$ref``; without it, nested TypedDicts are written in place.
"""

from __future__ import annotations

import types
import typing
from typing import Any
from typing import Literal
from typing import NotRequired
from typing import Union

from web.core.manifest import Field

__all__ = ["exactly_one_of", "required_keys", "schema_of", "schemas_of"]

Refs = dict[str, dict[str, Any]]
_SCALARS = {int: "integer", str: "string", bool: "boolean", float: "number", type(None): "null"}
_ONE_OF: dict[Any, tuple[str, ...]] = {}
_REF = "#/components/schemas/"


def exactly_one_of(typed: Any, *keys: str) -> None:
    """Say that an object of ``typed`` (a TypedDict with ``total=False``) has exactly one of ``keys``."""
    _ONE_OF[typed] = keys


def schemas_of(*types_: type) -> Refs:
    """Named schemas for ``components/schemas``; nested TypedDicts are written in place."""
    return {t.__name__: schema_of(t) for t in types_}


def schema_of(hint: Any, refs: Refs | None = None) -> dict[str, Any]:
    """The JSON Schema of a type hint: scalars, ``X | None``, lists, dicts, Literals, TypedDicts,
    Annotated; a TypedDict is a ``$ref`` into ``refs`` when that is given."""
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        inner, *extras = typing.get_args(hint)
        schema = schema_of(inner, refs)
        for extra in extras:
            if isinstance(extra, Field):
                schema.update(_keywords(extra))
        return schema
    if origin is NotRequired:
        return schema_of(typing.get_args(hint)[0], refs)
    if origin is Literal:
        return {"enum": list(typing.get_args(hint))}
    if origin is list:
        return {"type": "array", "items": schema_of(typing.get_args(hint)[0], refs)}
    if origin is dict:
        return {"type": "object", "additionalProperties": schema_of(typing.get_args(hint)[1], refs)}
    if origin in (Union, types.UnionType):
        return _union(typing.get_args(hint), refs)
    if typing.is_typeddict(hint):
        return _object(hint) if refs is None else _ref(hint, refs)
    if hint is Any:
        return {}
    if hint in _SCALARS:
        return {"type": _SCALARS[hint]}
    raise TypeError(f"no JSON Schema for {hint!r}")


def _ref(typed: Any, refs: Refs) -> dict[str, Any]:
    """Put ``typed``'s schema into ``refs`` once, under its class name; two types may not share one."""
    name = typed.__name__
    if name not in refs:
        refs[name] = {}  # claimed first: a type that contains itself refers to itself
        refs[name] = _object(typed, refs)
    elif refs[name] and refs[name] != _object(typed, {**refs, name: {}}):
        raise TypeError(f"two different types are named {name}")
    return {"$ref": _REF + name}


def _union(members: tuple[Any, ...], refs: Refs | None) -> dict[str, Any]:
    parts = [schema_of(member, refs) for member in members]
    if all(set(part) == {"type"} and isinstance(part["type"], str) for part in parts):
        return {"type": [part["type"] for part in parts]}  # ["string", "null"]
    return {"anyOf": parts}


def _object(typed: Any, refs: Refs | None = None) -> dict[str, Any]:
    hints = typing.get_type_hints(typed, include_extras=True)
    schema: dict[str, Any] = {
        "type": "object",
        "required": required_keys(typed),
        "properties": {name: schema_of(hint, refs) for name, hint in hints.items()},
        "additionalProperties": False,
    }
    if typed in _ONE_OF:
        schema["oneOf"] = [{"required": [key]} for key in _ONE_OF[typed]]
    if typed.__doc__ and not typed.__doc__.startswith(typed.__name__ + "("):
        schema["description"] = " ".join(typed.__doc__.split())
    return schema


def required_keys(typed: Any) -> list[str]:
    """The keys a TypedDict requires, in order.

    A module with ``from __future__ import annotations`` hides NotRequired from TypedDict's own
    bookkeeping, not from the resolved hint: the hint decides, as it does for mypy.
    """
    hints = typing.get_type_hints(typed, include_extras=True)
    return [
        name for name, hint in hints.items()
        if name in typed.__required_keys__ and typing.get_origin(hint) is not NotRequired
    ]


def _keywords(field: Field) -> dict[str, Any]:
    keywords = {
        "minimum": field.minimum, "maximum": field.maximum, "minLength": field.min_length,
        "maxLength": field.max_length, "pattern": field.pattern, "format": field.format,
        "contentEncoding": field.content_encoding, "description": field.description,
    }
    return {key: value for key, value in keywords.items() if value is not None}
