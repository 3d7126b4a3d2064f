"""The manifest carries each sentence's places for html sent with numbered elements (the widget)."""

from __future__ import annotations

from tests.reader.test_locate import PAGE
from tests.reader.test_locate import numbered
from tests.web.test_openapi import validate


def test_numbered_html_gets_places_and_plain_html_does_not(client):
    sent = client.post("/api/documents", json={"html": numbered(PAGE)}).get_json()
    sentences = [s for section in sent["sections"] for s in section["sentences"]]
    assert sentences[0]["text"] == sent["title"] and len(sentences[0]["where"]) == 1
    assert all(s["where"] for s in sentences)
    validate(sent, "Manifest")
    rows = [s["where"] for s in sentences if s["text"].startswith("第1行")]
    assert rows and all(set(p) == {"node"} for p in rows[0]), "a table row is its cells"
    plain = client.post("/api/documents", json={"html": PAGE}).get_json()
    assert not any("where" in s for section in plain["sections"] for s in section["sentences"])
