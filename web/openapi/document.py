"""The OpenAPI 3.1 document, built by walking ``app.url_map`` and the contracts declared on the views.

Paths, methods and path parameters come from the rules (a converter gives the type: ``int`` is a
non-negative integer); summaries, parameters, bodies and answers from each view's ``@operation``
(``web.openapi.operation``); schemas from the types via ``web.core.schema``, each TypedDict named
once in ``components/schemas``. A route without a declaration still appears, as a stub, and
``tests/web/test_openapi.py`` fails on it: nothing here is written by hand per path.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.routing import Rule

from web.core.schema import Refs
from web.core.schema import required_keys
from web.core.schema import schema_of
from web.openapi.operation import JSON
from web.openapi.operation import Operation
from web.openapi.operation import Reply
from web.openapi.operation import declared

__all__ = ["build_document", "openapi_path"]

INFO = {
    "title": "Bobao (播报) read-aloud API",
    "version": "1.0.0",
    "description": "Read Chinese public-sector pages aloud: documents, audio, timings, widget.",
}
SECURITY_SCHEMES = {"adminToken": {"type": "http", "scheme": "bearer"}}
_CONVERTER = re.compile(r"<(?:([a-z_]+)(?:\([^)]*\))?:)?([a-z_]+)>")
_CONVERTER_SCHEMAS: dict[str, dict[str, Any]] = {
    "int": {"type": "integer", "minimum": 0},
    "float": {"type": "number", "minimum": 0},
}
_UNDESCRIBED = {"default": {"description": "Not described yet."}}


def build_document(app: Flask, extra: Mapping[str, Operation] | None = None) -> dict[str, Any]:
    """The whole document; ``extra`` declares endpoints whose views are not ours (Flask's static)."""
    refs: Refs = {}
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        view = app.view_functions.get(rule.endpoint)
        declaration = declared(view) or (extra or {}).get(rule.endpoint)
        item = paths.setdefault(openapi_path(rule.rule), {})
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            item[method.lower()] = (
                _operation(rule, declaration, refs) if declaration else _stub(rule, view)
            )
    return {
        "openapi": "3.1.0",
        "info": INFO,
        "paths": paths,
        "components": {"schemas": dict(sorted(refs.items())), "securitySchemes": SECURITY_SCHEMES},
    }


def openapi_path(rule: str) -> str:
    """Flask's ``/d/<doc_id>/sections/<int:index>.mp3`` → ``/d/{doc_id}/sections/{index}.mp3``."""
    return _CONVERTER.sub(r"{\2}", rule)


def _operation(rule: Rule, declaration: Operation, refs: Refs) -> dict[str, Any]:
    result: dict[str, Any] = {"summary": declaration.summary}
    parameters = [
        *_path_parameters(rule, declaration.path, refs),
        *_parameters("query", declaration.query, refs),
        *_parameters("header", declaration.headers, refs),
    ]
    if parameters:
        result["parameters"] = parameters
    if declaration.body is not None:
        result["requestBody"] = {
            "required": declaration.body_required,
            "content": {JSON: {"schema": schema_of(declaration.body, refs)}},
        }
    result["responses"] = {
        str(status): _reply(reply, refs) for status, reply in sorted(declaration.responses.items())
    }
    if declaration.security:
        result["security"] = [{name: []} for name in declaration.security]
    return result


def _path_parameters(rule: Rule, declared_types: Any, refs: Refs) -> list[dict[str, Any]]:
    """One parameter per rule variable: typed by its converter, refined by the declared TypedDict."""
    hints = _hints(declared_types)
    variables = [(converter or "default", name) for converter, name in _CONVERTER.findall(rule.rule)]
    unknown = set(hints) - {name for _, name in variables}
    if unknown:
        raise TypeError(f"{rule.rule} has no variable {', '.join(sorted(unknown))}")
    parameters = []
    for converter, name in variables:
        schema = dict(_CONVERTER_SCHEMAS.get(converter, {"type": "string"}))
        if name in hints:
            schema.update(schema_of(hints[name], refs))
        description = schema.pop("description", None)
        parameter = {"name": name, "in": "path", "required": True, "schema": schema}
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def _parameters(where: str, declared_types: Any, refs: Refs) -> list[dict[str, Any]]:
    """Query or header parameters from a TypedDict: its keys, their types and which are required."""
    parameters = []
    required = required_keys(declared_types) if declared_types is not None else []
    for name, hint in _hints(declared_types).items():
        schema = schema_of(hint, refs)
        description = schema.pop("description", None)
        parameter = {"name": name, "in": where, "required": name in required, "schema": schema}
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def _hints(declared_types: Any) -> dict[str, Any]:
    if declared_types is None:
        return {}
    if not typing.is_typeddict(declared_types):
        raise TypeError(f"parameters are declared by a TypedDict, not {declared_types!r}")
    return typing.get_type_hints(declared_types, include_extras=True)


def _reply(reply: Reply, refs: Refs) -> dict[str, Any]:
    result: dict[str, Any] = {"description": reply.description}
    if reply.headers:
        result["headers"] = {
            name: {"description": text, "schema": {"type": "string"}} for name, text in reply.headers.items()
        }
    if reply.content:
        result["content"] = {
            media: {"schema": _body_schema(media, hint, refs)} for media, hint in reply.content.items()
        }
    return result


def _body_schema(media: str, hint: Any, refs: Refs) -> dict[str, Any]:
    """JSON bodies by their type; a binary file is a string of its media type (OpenAPI 3.1's way)."""
    if hint is bytes:
        return {"type": "string", "contentMediaType": media}
    return schema_of(hint, refs)


def _stub(rule: Rule, view: object) -> dict[str, Any]:
    """An undeclared route: its view's docstring as summary and typed path parameters, nothing more."""
    doc = (getattr(view, "__doc__", None) or rule.endpoint).strip().splitlines()[0]
    operation: dict[str, Any] = {"summary": doc, "responses": _UNDESCRIBED}
    parameters = _path_parameters(rule, None, {})
    if parameters:
        operation["parameters"] = parameters
    return operation
