"""The OpenAPI document covers every route, and real responses match its schemas."""

from __future__ import annotations

import re

import jsonschema
import pytest

from tests.web.conftest import SHORT_TEXT
from web.core.manifest import SentenceEntry
from web.openapi import SPEC

_CONVERTER = re.compile(r"<(?:[a-z_]+(?:\([^)]*\))?:)?([a-z_]+)>")


def openapi_path(rule: str) -> str:
    """Flask's ``/d/<doc_id>/sections/<int:index>.mp3`` → ``/d/{doc_id}/sections/{index}.mp3``."""
    return _CONVERTER.sub(r"{\1}", rule)


def validate(instance, schema_name: str) -> None:
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": SPEC["components"]}
    jsonschema.Draft202012Validator(schema).validate(instance)


def documented(path: str, method: str, status: int) -> dict:
    operation = SPEC["paths"][path][method]
    assert str(status) in operation["responses"], f"{method.upper()} {path} answered undocumented {status}"
    return operation["responses"][str(status)]


def test_every_route_is_documented(app):
    missing = []
    for rule in app.url_map.iter_rules():
        path = openapi_path(rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method.lower() not in SPEC["paths"].get(path, {}):
                missing.append(f"{method} {path}")
    assert missing == []


def test_every_documented_path_exists(app):
    routes = {openapi_path(rule.rule) for rule in app.url_map.iter_rules()}
    assert set(SPEC["paths"]) - routes == set()


def test_path_parameters_are_declared():
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == set(re.findall(r"{(\w+)}", path)), f"{method} {path}"


def test_schemas_are_valid_json_schema():
    assert SPEC["openapi"].startswith("3.1")
    for schema in SPEC["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)
    refs = re.findall(r"#/components/schemas/(\w+)", repr(SPEC))
    assert set(refs) <= set(SPEC["components"]["schemas"])


def test_openapi_json_is_served(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json == SPEC


def test_create_and_get_match_manifest_schema(client):
    created = client.post("/api/documents?wait=1", json={"text": SHORT_TEXT})
    documented("/api/documents", "post", created.status_code)
    validate(created.json, "Manifest")
    assert created.json["status"] == "ready"
    fetched = client.get(f"/api/documents/{created.json['id']}")
    documented("/api/documents/{doc_id}", "get", fetched.status_code)
    validate(fetched.json, "Manifest")
    for section in fetched.json["sections"]:
        for sentence in section["sentences"]:
            clip = client.get(sentence["clip"])
            documented("/audio/{key}.mp3", "get", clip.status_code)
            assert clip.mimetype == "audio/mpeg"


def test_pending_manifest_matches_schema(client):
    created = client.post(
        "/api/documents", json={"text": "一句很短的话。", "engine": "slowfake", "voice": "fake-male"}
    )
    validate(created.json, "Manifest")


@pytest.mark.parametrize(
    ("method", "path", "body", "spec_path"),
    [
        ("post", "/api/documents", {"nothing": 1}, "/api/documents"),
        ("post", "/api/documents", {"text": "好", "html": "<p>好</p>"}, "/api/documents"),
        ("get", "/api/documents/0123456789abcdef01234567", None, "/api/documents/{doc_id}"),
        ("get", "/api/documents/..%2f..%2fetc", None, "/api/documents/{doc_id}"),
        ("get", "/documents/0123456789abcdef01234567.mp3", None, "/documents/{doc_id}.mp3"),
        ("get", "/audio/nothex.mp3", None, "/audio/{key}.mp3"),
    ],
)
def test_errors_match_error_schema(client, method, path, body, spec_path):
    response = getattr(client, method)(path, json=body) if body is not None else getattr(client, method)(path)
    documented(spec_path, method, response.status_code)
    validate(response.json, "Error")


def test_voices_and_health_match(client):
    voices = client.get("/api/voices")
    documented("/api/voices", "get", voices.status_code)
    validate(voices.json, "Voices")
    health = client.get("/healthz")
    documented("/healthz", "get", health.status_code)
    validate(health.json, "Health")


def test_the_manifest_schema_is_made_from_its_types_and_refuses_unknown_keys(client):
    created = client.post("/api/documents?wait=1", json={"text": SHORT_TEXT}).json
    validate(created, "Manifest")
    created["sections"][0]["sentences"][0]["volume"] = 1  # written by code, declared nowhere
    with pytest.raises(jsonschema.ValidationError, match="volume"):
        validate(created, "Manifest")
    assert set(SPEC["components"]["schemas"]["Sentence"]["properties"]) == set(SentenceEntry.__annotations__)


def test_a_route_added_without_documentation_still_appears(tmp_path):
    from tests.web.conftest import make_app

    app = make_app(tmp_path)

    @app.get("/api/things/<int:number>")
    def thing(number):
        """One numbered thing."""
        return {"number": number}

    served = app.test_client().get("/openapi.json").json
    operation = served["paths"]["/api/things/{number}"]["get"]
    assert operation["summary"] == "One numbered thing."
    assert operation["parameters"] == [{"name": "number", "in": "path", "required": True,
                                        "schema": {"type": "integer"}}]
    assert {path for path in served["paths"]} - {"/api/things/{number}"} == set(SPEC["paths"])
    app.extensions["bobao"].jobs.shutdown()
