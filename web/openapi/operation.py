"""A route's API contract, declared on its view: ``@operation(...)`` next to ``@bp.get(...)``.

    @bp.get("/documents/<doc_id>")
    @operation("A document's manifest.", path=DocumentPath, query=DocumentQuery,
               responses={200: json_reply(Manifest, "The manifest."), 404: error("No such document.")})
    def get_document(doc_id: str) -> ResponseReturnValue: ...

Parameters and bodies are type hints (TypedDicts, mostly the very types the view builds);
``web.openapi.document`` walks ``app.url_map`` and turns each rule and its view's declaration into
an OpenAPI operation. The declaration is an attribute of the view function, so it survives
``functools.wraps`` and needs no registry.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import TypeVar

__all__ = ["JSON", "Operation", "Reply", "View", "declared", "operation"]

JSON = "application/json"
_ATTRIBUTE = "__openapi_operation__"
View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class Reply:
    """One documented answer: what it means, its bodies by media type, and its response headers."""

    description: str
    content: Mapping[str, Any] = field(default_factory=dict)
    """Media type → body type hint: a TypedDict for JSON, ``str`` for text, ``bytes`` for binary."""
    headers: Mapping[str, str] = field(default_factory=dict)
    """Header name → what it says."""


@dataclass(frozen=True, slots=True)
class Operation:
    """What one view accepts and answers (its HTTP method and path come from its rule)."""

    summary: str
    responses: Mapping[int, Reply]
    path: Any = None
    """A TypedDict naming the rule's variables: patterns and descriptions beyond their converters."""
    query: Any = None
    """A TypedDict of the query parameters."""
    headers: Any = None
    """A TypedDict of the request headers it reads."""
    body: Any = None
    """The JSON request body's type hint."""
    body_required: bool = True
    security: tuple[str, ...] = ()
    """Security scheme names (``components/securitySchemes``), any one of which admits the request."""


def operation(
    summary: str,
    *,
    responses: Mapping[int, Reply],
    path: Any = None,
    query: Any = None,
    headers: Any = None,
    body: Any = None,
    body_required: bool = True,
    security: tuple[str, ...] = (),
) -> Callable[[View], View]:
    """Declare the view's contract; the view itself is returned unchanged."""
    declaration = Operation(summary, dict(responses), path, query, headers, body, body_required, security)

    def declare(view: View) -> View:
        setattr(view, _ATTRIBUTE, declaration)
        return view

    return declare


def declared(view: object) -> Operation | None:
    """The contract declared on a view function, if any."""
    found = getattr(view, _ATTRIBUTE, None)
    return found if isinstance(found, Operation) else None
