"""``/openapi.json`` is generated from the routes and their declarations, and real answers match it."""

from __future__ import annotations

import functools
import re
import tempfile
from pathlib import Path
from typing import Any
from typing import NotRequired
from typing import TypedDict

import jsonschema
import pytest
from openapi_spec_validator import validate as validate_openapi

from tests.web.conftest import SHORT_TEXT
from tests.web.conftest import make_app
from web.core.manifest import SentenceEntry
from web.core.schema import schema_of
from web.openapi import FLASK_ROUTES
from web.openapi import document_of
from web.openapi.document import openapi_path
from web.openapi.operation import declared
from web.openapi.operation import operation
from web.openapi.replies import error
from web.openapi.replies import json_reply

TOKEN = "openapi-admin-token"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}


@functools.cache
def spec() -> dict[str, Any]:
    """The document of an app as the tests build it (its routes do not depend on the config)."""
    with tempfile.TemporaryDirectory() as root:
        app = make_app(Path(root))
        try:
            return document_of(app)
        finally:
            app.extensions["bobao"].jobs.shutdown()


def validate(instance, schema_name: str) -> None:
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec()["components"]}
    jsonschema.Draft202012Validator(schema).validate(instance)


def documented(path: str, method: str, status: int) -> dict:
    operation = spec()["paths"][path][method]
    assert str(status) in operation["responses"], f"{method.upper()} {path} answered undocumented {status}"
    return operation["responses"][str(status)]


def conforms(response, path: str, method: str = "get") -> None:
    """The answer's status is documented, with its media type, and a JSON body matches its schema."""
    content = documented(path, method, response.status_code).get("content", {})
    if not content:
        assert response.data == b"", f"{path} answered a body where none is documented"
        return
    media = response.mimetype
    assert media in content or "*/*" in content, f"{path} answered {media}, documented {list(content)}"
    if response.mimetype == "application/json":
        schema = {**content["application/json"]["schema"], "components": spec()["components"]}
        jsonschema.Draft202012Validator(schema).validate(response.json)


def test_every_route_is_declared(app):
    missing = [
        f"{sorted(rule.methods)} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if declared(app.view_functions[rule.endpoint]) is None and rule.endpoint not in FLASK_ROUTES
    ]
    assert missing == []


def test_the_paths_are_the_routes(app):
    routes = {openapi_path(rule.rule) for rule in app.url_map.iter_rules()}
    assert set(spec()["paths"]) == routes
    assert "/documents/{doc_id}/sections/{index}.mp3" in routes


def test_path_parameters_are_declared():
    for path, item in spec()["paths"].items():
        for method, described in item.items():
            declared_names = {p["name"] for p in described.get("parameters", []) if p["in"] == "path"}
            assert declared_names == set(re.findall(r"{(\w+)}", path)), f"{method} {path}"


def test_the_document_is_valid_openapi_3_1():
    document = spec()
    assert document["openapi"] == "3.1.0"
    validate_openapi(document)
    for schema in document["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)
    refs = re.findall(r"#/components/schemas/(\w+)", repr(document))
    assert set(refs) <= set(document["components"]["schemas"])


def test_openapi_json_is_served(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json == spec()
    conforms(response, "/openapi.json")


def test_path_types_come_from_converters_and_declarations():
    section = spec()["paths"]["/documents/{doc_id}/sections/{index}.mp3"]["get"]
    by_name = {p["name"]: p for p in section["parameters"]}
    assert by_name["index"]["schema"] == {"type": "integer", "minimum": 0}
    assert by_name["doc_id"]["schema"]["pattern"] == "^[0-9a-f]{24}$"
    assert by_name["Range"]["in"] == "header" and by_name["download"]["in"] == "query"
    assert {"200", "206", "304", "404", "409", "416"} <= set(section["responses"])
    assert section["responses"]["206"]["content"]["audio/mpeg"]["schema"]["contentMediaType"] == "audio/mpeg"


def test_create_and_get_match_manifest_schema(client):
    created = client.post("/api/documents?wait=1", json={"text": SHORT_TEXT})
    conforms(created, "/api/documents", "post")
    assert created.json["status"] == "ready"
    fetched = client.get(f"/api/documents/{created.json['id']}")
    conforms(fetched, "/api/documents/{doc_id}")
    etag = fetched.headers["ETag"]
    again = client.get(f"/api/documents/{created.json['id']}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    conforms(again, "/api/documents/{doc_id}")
    for section in fetched.json["sections"]:
        for sentence in section["sentences"]:
            conforms(client.get(sentence["clip"]), "/audio/{key}.mp3")


def test_pending_manifest_matches_schema(client):
    created = client.post(
        "/api/documents", json={"text": "一句很短的话。", "engine": "slowfake", "voice": "fake-male"}
    )
    conforms(created, "/api/documents", "post")
    assert created.json["status"] != "ready"


@pytest.mark.parametrize(
    ("method", "path", "body", "spec_path"),
    [
        ("post", "/api/documents", {"nothing": 1}, "/api/documents"),
        ("post", "/api/documents", {"text": "好", "html": "<p>好</p>"}, "/api/documents"),
        ("get", "/api/documents/0123456789abcdef01234567", None, "/api/documents/{doc_id}"),
        ("get", "/api/documents/..%2f..%2fetc", None, "/api/documents/{doc_id}"),
        ("get", "/documents/0123456789abcdef01234567.mp3", None, "/documents/{doc_id}.mp3"),
        ("get", "/audio/nothex.mp3", None, "/audio/{key}.mp3"),
        ("post", "/api/reports", {"document": "x"}, "/api/reports"),
    ],
)
def test_errors_match_error_schema(client, method, path, body, spec_path):
    response = getattr(client, method)(path, json=body) if body is not None else getattr(client, method)(path)
    assert response.status_code >= 400
    conforms(response, spec_path, method)


def test_the_create_body_takes_exactly_one_input():
    schema = {"$ref": "#/components/schemas/CreateDocument", "components": spec()["components"]}
    checker = jsonschema.Draft202012Validator(schema)
    assert checker.is_valid({"text": "好", "rate": "+10%"})
    assert not checker.is_valid({"text": "好", "html": "<p>好</p>"})
    assert not checker.is_valid({"voice": "x"})
    assert not checker.is_valid({"text": "好", "volume": 3})


def test_voices_health_origin_and_pages_match(client):
    conforms(client.get("/api/voices"), "/api/voices")
    conforms(client.get("/healthz"), "/healthz")
    deep = client.get("/healthz?deep=1")
    assert "probe_ms" in deep.json["checks"]["engine"]
    conforms(deep, "/healthz")
    unknown = client.get("/api/voices?engine=nope")
    assert unknown.status_code == 400
    conforms(unknown, "/api/voices")
    conforms(client.get("/api/origin", headers={"Origin": "http://127.0.0.1:9"}), "/api/origin")
    for path in ("/", "/demo", "/admin"):
        conforms(client.get(path), path)
    conforms(client.get("/d/not-an-id"), "/d/{doc_id}")
    conforms(client.get("/static/player.css"), "/static/{filename}")
    widget = client.get("/widget.js")
    conforms(widget, "/widget.js")
    conforms(client.get("/widget.js", headers={"If-None-Match": widget.headers["ETag"]}), "/widget.js")


def test_downloads_with_ranges_match(ready):
    client, manifest = ready
    doc_id = manifest["id"]
    partial = client.get(f"/documents/{doc_id}.mp3", headers={"Range": "bytes=0-99"})
    assert partial.status_code == 206
    conforms(partial, "/documents/{doc_id}.mp3")
    size = len(client.get(f"/documents/{doc_id}.mp3").data)
    beyond = client.get(f"/documents/{doc_id}.mp3", headers={"Range": f"bytes={size + 10}-"})
    assert beyond.status_code == 416
    conforms(beyond, "/documents/{doc_id}.mp3")
    conforms(client.get(f"/documents/{doc_id}.vtt"), "/documents/{doc_id}.vtt")
    conforms(client.get(f"/documents/{doc_id}/sections/0.mp3"), "/documents/{doc_id}/sections/{index}.mp3")
    conforms(client.get(f"/api/documents/{doc_id}/caption"), "/api/documents/{doc_id}/caption")
    sentence = manifest["sections"][0]["sentences"][0]["id"]
    report = client.post("/api/reports", json={"document": doc_id, "sentence": sentence})
    conforms(report, "/api/reports", "post")


def test_admin_answers_match(tmp_path):
    app = make_app(tmp_path, ADMIN_TOKEN=TOKEN)
    client = app.test_client()
    created = client.post("/api/documents?wait=1", json={"text": SHORT_TEXT}).json
    client.post("/api/reports", json={"document": created["id"], "sentence": 0})
    conforms(client.get("/admin/api/cache"), "/admin/api/cache")
    conforms(client.get("/admin/api/cache", headers={"Authorization": "Bearer wrong"}), "/admin/api/cache")
    for path in ("/admin/api/cache", "/admin/api/lexicon", "/admin/api/rules", "/admin/api/documents",
                 "/admin/api/reports"):
        answer = client.get(path, headers=ADMIN)
        assert answer.status_code == 200, path
        conforms(answer, path)
    posts = (("/admin/api/cache/verify", {"repair": False}), ("/admin/api/cache/prune", {"max_bytes": 0}),
             ("/admin/api/lexicon/preview", {"text": "银行行长。"}))
    for path, body in posts:
        answer = client.post(path, json=body, headers=ADMIN)
        assert answer.status_code == 200, path
        conforms(answer, path, "post")
    clip = client.post("/admin/api/lexicon/preview?audio=1", json={"text": "好。"}, headers=ADMIN)
    assert clip.mimetype == "audio/mpeg"
    conforms(clip, "/admin/api/lexicon/preview", "post")
    rules = [{"written": "12345", "spoken": "一二三四五"}]
    conforms(client.put("/admin/api/rules", json=rules, headers=ADMIN), "/admin/api/rules", "put")
    refused = client.put("/admin/api/lexicon", json=[{"word": "!"}], headers=ADMIN)
    assert refused.status_code == 422
    conforms(refused, "/admin/api/lexicon", "put")
    removed = client.delete(f"/admin/api/reports/{created['id']}-0", headers=ADMIN)
    conforms(removed, "/admin/api/reports/{report_id}", "delete")
    app.extensions["bobao"].jobs.shutdown()


def test_the_manifest_schema_is_made_from_its_types_and_refuses_unknown_keys(client):
    created = client.post("/api/documents?wait=1", json={"text": SHORT_TEXT}).json
    validate(created, "Manifest")
    created["sections"][0]["sentences"][0]["volume"] = 1  # written by code, declared nowhere
    with pytest.raises(jsonschema.ValidationError, match="volume"):
        validate(created, "Manifest")
    properties = spec()["components"]["schemas"]["SentenceEntry"]["properties"]
    assert set(properties) == set(SentenceEntry.__annotations__)


class Thing(TypedDict):
    """A numbered thing."""

    number: int
    label: NotRequired[str]


class ThingQuery(TypedDict):
    verbose: NotRequired[str]


def test_a_declared_route_is_described_from_its_declaration(tmp_path):
    app = make_app(tmp_path)

    @app.put("/api/things/<int:number>")
    @operation("Replace one thing.", query=ThingQuery, body=Thing,
               responses={200: json_reply(Thing, "The thing.", ETag="Its version."), 404: error("No thing.")})
    def put_thing(number):
        return {"number": number}

    served = app.test_client().get("/openapi.json").json
    described = served["paths"]["/api/things/{number}"]["put"]
    assert described["summary"] == "Replace one thing."
    assert described["parameters"] == [
        {"name": "number", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}},
        {"name": "verbose", "in": "query", "required": False, "schema": {"type": "string"}},
    ]
    body = described["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Thing"}
    assert described["responses"]["200"]["headers"]["ETag"]["description"] == "Its version."
    assert served["components"]["schemas"]["Thing"]["required"] == ["number"]
    validate_openapi(served)
    app.extensions["bobao"].jobs.shutdown()


def test_a_route_added_without_declaration_still_appears_as_a_stub(tmp_path):
    app = make_app(tmp_path)

    @app.get("/api/stubs/<int:number>")
    def stub(number):
        """One numbered stub."""
        return {"number": number}

    served = app.test_client().get("/openapi.json").json
    described = served["paths"]["/api/stubs/{number}"]["get"]
    assert described["summary"] == "One numbered stub."
    assert list(described["responses"]) == ["default"]
    assert set(served["paths"]) - {"/api/stubs/{number}"} == set(spec()["paths"])
    app.extensions["bobao"].jobs.shutdown()


def test_two_types_may_not_share_a_schema_name():
    class Twin(TypedDict):
        a: int

    first = Twin

    class Twin(TypedDict):  # noqa: F811  (the point: a second type of the same name)
        b: str

    refs: dict[str, Any] = {}
    schema_of(first, refs)
    with pytest.raises(TypeError, match="Twin"):
        schema_of(list[Twin], refs)


def test_a_path_declaration_must_name_the_rule_variables(tmp_path):
    app = make_app(tmp_path)

    @app.get("/api/odd/<key>")
    @operation("Odd.", path=TypedDict("OddPath", {"doc_id": str}), responses={200: error("x")})
    def odd(key):
        return {}

    with pytest.raises(TypeError, match="no variable doc_id"):
        document_of(app)
    app.extensions["bobao"].jobs.shutdown()


def test_the_file_upload_is_documented_as_base64():
    file = spec()["components"]["schemas"]["CreateDocument"]["properties"]["file"]
    assert file["contentEncoding"] == "base64"
