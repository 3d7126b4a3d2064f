"""Fuzz every operation in ``/openapi.json``: any path, query, header and JSON body gets no 5xx,
and only statuses the operation documents.

Requests are drawn from the spec itself (so a new route is fuzzed as soon as it is documented):
path parameters either match their pattern or are arbitrary text, JSON bodies either follow the
request schema or are arbitrary JSON, and strings include lone surrogates, control characters and
CJK. The whole run is bounded by ``MAX_EXAMPLES`` per operation (about 20 s here).
"""

from __future__ import annotations

import json
import re
import string
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from tests.web.conftest import make_app

TOKEN = "fuzz-admin-token"
MAX_EXAMPLES = 150
METHODS = ("get", "post", "put", "delete", "patch")

nasty_chars = st.sampled_from(["\ud800", "\udfff", "\x00", "\u202e", "。", "０", "%", "/", "..", "\\"])
nasty_text = st.lists(st.one_of(st.text(max_size=6), nasty_chars), max_size=8).map("".join)
any_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | nasty_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(nasty_text, inner, max_size=3),
    max_leaves=8,
)


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    app = make_app(
        tmp_path_factory.mktemp("openapi-fuzz"),
        ADMIN_TOKEN=TOKEN,
        RATE_LIMIT="off",
        ADMIN_AUTH_RATE="off",
        JOB_QUEUE_SIZE=10_000,
        MAX_TEXT_CHARS=2000,
    )
    yield app
    app.extensions["bobao"].jobs.shutdown()


def _spec(app) -> dict[str, Any]:
    return app.test_client().get("/openapi.json").get_json()


def _resolve(spec: dict[str, Any], schema: dict[str, Any] | None) -> dict[str, Any]:
    while schema and "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema or {}


def _from_schema(
    spec: dict[str, Any], schema: dict[str, Any] | None, depth: int = 0
) -> st.SearchStrategy[Any]:
    """Values that follow ``schema`` (loosely), or anything at all a fifth of the time."""
    schema = _resolve(spec, schema)
    kind = schema.get("type")
    if "enum" in schema:
        typed: st.SearchStrategy[Any] = st.sampled_from(schema["enum"])
    elif isinstance(kind, list):
        typed = st.one_of([_from_schema(spec, {**schema, "type": k}, depth) for k in kind])
    elif kind == "object" and depth < 3:
        typed = _object(spec, schema, depth)
    elif kind == "array" and depth < 3:
        typed = st.lists(_from_schema(spec, schema.get("items"), depth + 1), max_size=3)
    elif kind == "integer":
        typed = st.integers(min_value=schema.get("minimum"), max_value=schema.get("maximum")) | st.integers()
    elif kind == "boolean":
        typed = st.booleans()
    elif kind == "string" and "pattern" in schema:
        typed = st.from_regex(schema["pattern"], fullmatch=True)
    else:
        typed = nasty_text | st.sampled_from(["fake", "fake-female", "正文。", "http://127.0.0.1:9/", "1"])
    return st.one_of(typed, typed, typed, typed, any_json)


def _object(spec: dict[str, Any], schema: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    """An object with its required properties, some optional ones, and one branch of a ``oneOf``."""
    props = {k: _from_schema(spec, v, depth + 1) for k, v in schema.get("properties", {}).items()}
    branches = [set(b.get("required", [])) for b in schema.get("oneOf", [])] or [set()]
    exclusive = set().union(*branches)
    choices = []
    for branch in branches:
        required = set(schema.get("required", [])) | branch
        choices.append(
            st.fixed_dictionaries(
                {k: v for k, v in props.items() if k in required},
                optional={k: v for k, v in props.items() if k not in required and k not in exclusive},
            )
        )
    return st.one_of(choices)


def _operations(app) -> list[tuple[str, str, dict[str, Any]]]:
    spec = _spec(app)
    ops = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                op = dict(item[method])
                op["parameters"] = [*item.get("parameters", []), *op.get("parameters", [])]
                ops.append((method, path, op))
    return ops


def _request(spec: dict[str, Any], path: str, op: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    params = {p["name"]: (p["in"], _from_schema(spec, p.get("schema"))) for p in op["parameters"]}
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    return st.fixed_dictionaries(
        {
            "params": st.fixed_dictionaries({}, optional={name: s for name, (_, s) in params.items()}),
            "body": st.none() | _from_schema(spec, body),
            "admin": st.booleans(),
        }
    ).map(lambda drawn: {**drawn, "where": {name: where for name, (where, _) in params.items()}})


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _send(client, method: str, path: str, drawn: dict[str, Any]):
    query, headers = [], {}
    url = path
    for name, value in drawn["params"].items():
        where, text = drawn["where"][name], _as_text(value)
        if where == "path":
            url = url.replace("{" + name + "}", quote(text.encode("utf-8", "surrogatepass"), safe=""))
        elif where == "query":
            query.append(f"{name}={quote(text.encode('utf-8', 'surrogatepass'), safe='')}")
        elif where == "header" and all(c in string.printable and c not in "\r\n" for c in text):
            headers[name] = text
    url = re.sub(r"\{[^}]+\}", "x", url)  # a path parameter left out: any filler
    if query:
        url += "?" + "&".join(q for q in query if not q.startswith("wait="))  # waiting is not fuzzed
    if drawn["admin"]:
        headers["Authorization"] = f"Bearer {TOKEN}"
    data = None if drawn["body"] is None else json.dumps(drawn["body"])  # ensure_ascii: surrogates escaped
    return client.open(
        url, method=method.upper(), data=data, content_type="application/json", headers=headers
    )


def test_every_operation_is_fuzzed(fuzz_app):
    paths = {path for _, path, _ in _operations(fuzz_app)}
    assert {"/api/documents", "/api/documents/{doc_id}", "/admin/api/lexicon/preview"} <= paths


SHARDS = 16  # operations are dealt round-robin, so each test stays short and a failure names a few


def test_every_shard_has_operations(fuzz_app):
    assert len(_operations(fuzz_app)) >= SHARDS, "fewer operations than shards: lower SHARDS"


@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_operation_answers_5xx(fuzz_app, shard, caplog):
    for method, path, op in _operations(fuzz_app)[shard::SHARDS]:
        _fuzz_one(fuzz_app, method, path, op)
    errors = [r for r in caplog.records if r.exc_info]
    assert not errors, errors[0].getMessage()


def _fuzz_one(fuzz_app, method: str, path: str, op: dict[str, Any]) -> None:
    spec = _spec(fuzz_app)
    client = fuzz_app.test_client()

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(_request(spec, path, op))
    def check(drawn: dict[str, Any]) -> None:
        response = _send(client, method, path, drawn)
        assert response.status_code < 500, (method, path, drawn, response.get_data(as_text=True)[:300])
        # 308 is the router's, not the operation's: Werkzeug merges the "//" that a "/" in a path
        # parameter makes (decoded from %2F) and redirects there.
        documented = str(response.status_code) in op["responses"] or response.status_code == 308
        assert documented, ("undocumented status", response.status_code, method, path, drawn)
        response.close()

    check()
