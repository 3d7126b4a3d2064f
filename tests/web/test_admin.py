"""The admin API: token gate, cache maintenance on a real ClipCache, and the site lexicon."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import audio
from tests.fakes import expected_ms
from tests.web.conftest import Reader
from tests.web.conftest import decode_mp3
from tests.web.conftest import make_app
from web import admin

TOKEN = "s3cret-admin-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SHIPPED = Path(admin.__file__).parent.parent / "audio" / "data" / "lexicon.tsv"


def admin_app(root: Path, **config: Any) -> Flask:
    app = make_app(root, **config)
    if admin.bp.name not in app.blueprints:  # create_app may not register the admin API itself yet
        app.register_blueprint(admin.bp)
    return app


@pytest.fixture
def app(tmp_path: Path):
    app = admin_app(tmp_path, ADMIN_TOKEN=TOKEN)
    yield app
    app.extensions["bobao"].jobs.shutdown()


def cache_files(app: Flask) -> list[Path]:
    return sorted(p for p in Path(app.config["AUDIO_CACHE_DIR"]).rglob("*") if p.is_file())


# ---------------------------------------------------------------- access


def test_disabled_without_a_token(tmp_path: Path) -> None:
    app = admin_app(tmp_path)
    client = app.test_client()
    for method, path in (("get", "/admin/api/cache"), ("put", "/admin/api/lexicon")):
        response = getattr(client, method)(path, headers={"Authorization": "Bearer "})
        assert response.status_code == 403
        assert response.json["error"]["code"] == "admin_disabled"
    app.extensions["bobao"].jobs.shutdown()


@pytest.mark.parametrize(
    "header",
    [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer", f"bearer {TOKEN[:-1]}"],
)
def test_missing_or_wrong_token_is_401(client: FlaskClient, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = client.post("/admin/api/cache/prune", json={"max_bytes": 0}, headers=headers)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_guessing_the_token_is_locked_out_even_for_a_right_guess(tmp_path: Path) -> None:
    app = admin_app(tmp_path, ADMIN_TOKEN=TOKEN, ADMIN_AUTH_RATE="3/minute")
    client = app.test_client()
    wrong = {"Authorization": "Bearer guess"}
    assert [client.get("/admin/api/cache", headers=wrong).status_code for _ in range(3)] == [401] * 3
    locked = client.get("/admin/api/cache", headers=AUTH)
    assert locked.status_code == 429, "a right guess during the lock-out must not be told it is right"
    assert locked.json["error"]["code"] == "rate_limited"
    assert 1 <= int(locked.headers["Retry-After"]) <= 20
    # Another client (the real operator) is not locked out by someone else's guesses.
    other = client.get("/admin/api/cache", headers=AUTH, environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert other.status_code == 200
    # Right tokens spend nothing: the operator can keep working.
    assert all(client.get("/admin/api/cache", headers=AUTH, environ_base={"REMOTE_ADDR": "198.51.100.9"})
               .status_code == 200 for _ in range(10))
    app.extensions["bobao"].jobs.shutdown()


def test_right_token_works(client: FlaskClient) -> None:
    response = client.get("/admin/api/cache", headers=AUTH)
    assert response.status_code == 200
    assert response.json == {"entries": 0, "total_bytes": 0, "max_bytes": None}


# ---------------------------------------------------------------- cache


def test_stats_and_prune_on_real_clips(app: Flask, client: FlaskClient) -> None:
    manifest = Reader(client).read()
    entries = [s for section in manifest["sections"] for s in section["sentences"]]
    # Every sentence clip, and any pieces a sentence was first played from, are cache entries.
    pieces = [p["clip"] for s in entries for p in s.get("pieces", {}).get("ready", [])]
    clips = {s["clip"] for s in entries} | set(pieces)
    stats = client.get("/admin/api/cache", headers=AUTH).json
    assert stats["entries"] == len(clips) >= len(entries) > 3  # pieces only if the engine was slow
    assert stats["total_bytes"] == sum(p.stat().st_size for p in cache_files(app))

    keep = stats["total_bytes"] // 2
    half = client.post("/admin/api/cache/prune", json={"max_bytes": keep}, headers=AUTH).json
    assert 0 < half["removed_entries"] < stats["entries"]
    assert half["remaining_bytes"] <= keep
    assert half["remaining_bytes"] == sum(p.stat().st_size for p in cache_files(app))

    empty = client.post("/admin/api/cache/prune", json={"max_bytes": 0}, headers=AUTH).json
    assert empty["remaining_bytes"] == 0 and cache_files(app) == []
    assert client.get("/admin/api/cache", headers=AUTH).json["entries"] == 0


@pytest.mark.parametrize("body", [{"max_bytes": -1}, {"max_bytes": "10"}, {"max_bytes": True}, {}])
def test_prune_refuses_bad_limits(client: FlaskClient, body: dict[str, Any]) -> None:
    # {} has no limit to prune to: no AUDIO_CACHE_MAX_BYTES is configured in the test app.
    response = client.post("/admin/api/cache/prune", json=body, headers=AUTH)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_request"


def test_verify_finds_and_repairs_damage(app: Flask, client: FlaskClient) -> None:
    Reader(client).read("第一句话。第二句话。第三句话。")
    mp3s = [p for p in cache_files(app) if p.suffix == ".mp3"]
    assert len(mp3s) == 3
    corrupt = mp3s[0]
    corrupt.write_bytes(corrupt.read_bytes()[:-10] + b"0123456789")
    old = time.time() - 3600
    orphan = mp3s[1].with_suffix(".json")
    orphan.unlink()  # the MP3 of an interrupted write without its sidecar
    os.utime(mp3s[1], (old, old))
    partial = mp3s[2].parent / ".tmp-abandoned.mp3"
    partial.write_bytes(b"half a clip")
    os.utime(partial, (old, old))

    report = client.post("/admin/api/cache/verify", json={"repair": False}, headers=AUTH).json
    assert report["clean"] is False and report["repaired"] is False
    assert report["checked"] == 2
    assert {Path(p).name for p in report["corrupt"]} == {corrupt.name, corrupt.with_suffix(".json").name}
    assert [Path(p).name for p in report["orphans"]] == [mp3s[1].name]
    assert [Path(p).name for p in report["partials"]] == [partial.name]
    assert corrupt.exists() and partial.exists()  # a report alone changes nothing

    repaired = client.post("/admin/api/cache/verify", json={"repair": True}, headers=AUTH).json
    assert repaired["repaired"] is True
    assert not corrupt.exists() and not partial.exists() and not mp3s[1].exists()
    again = client.post("/admin/api/cache/verify", headers=AUTH).json
    assert again["clean"] is True and again["checked"] == 1


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/admin/api/cache/prune"),
        ("post", "/admin/api/cache/verify"),
        ("put", "/admin/api/lexicon"),
        ("post", "/admin/api/lexicon/preview"),
    ],
)
@pytest.mark.parametrize("data", [b"{not json", b"[1, 2", "\u00ff".encode("latin-1"), b'"a string"', b"42"])
def test_malformed_json_is_400_never_500(client: FlaskClient, method: str, path: str, data: bytes) -> None:
    headers = {**AUTH, "Content-Type": "application/json"}
    response = getattr(client, method)(path, data=data, headers=headers)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.json["error"]["code"] == "bad_request"


def test_verify_refuses_a_non_boolean_repair(client: FlaskClient) -> None:
    response = client.post("/admin/api/cache/verify", json={"repair": "yes"}, headers=AUTH)
    assert response.status_code == 400


# ---------------------------------------------------------------- lexicon


def test_lexicon_defaults_to_the_shipped_file_with_the_engines_version(client: FlaskClient) -> None:
    body = client.get("/admin/api/lexicon", headers=AUTH).json
    shipped = [line for line in SHIPPED.read_text("utf-8").splitlines() if line.split("#")[0].strip()]
    assert body["source"] == "default"
    assert body["count"] == len(shipped) == len(body["entries"])
    assert {"word": "重庆", "pinyin": "chong2 qing4", "say": None} in body["entries"]
    # The version must be the one the offline engine reads with.
    assert audio.get_engine("offline").lexicon.version == body["version"]


def test_put_lists_every_bad_entry_and_writes_nothing(app: Flask, client: FlaskClient) -> None:
    entries = [
        {"word": "重庆", "pinyin": "chong2 qing4"},
        {"word": "银行", "pinyin": "yin2"},  # one syllable for two characters
        {"word": "行长", "pinyin": "hang zhang3"},  # no tone digit
        {"word": "PM", "pinyin": "pi1"},  # Latin
        {"word": "一二三四五六七八九十" * 4, "pinyin": "yi1"},  # too long
        {"word": "重庆", "pinyin": "zhong4 qing4"},  # listed twice
        {"word": "调档", "pinyin": "diao4 dang4", "say": "掉 档"},  # a space in the homophone
        "not an object",
        {"word": "长效"},  # no pinyin
    ]
    response = client.put("/admin/api/lexicon", json=entries, headers=AUTH)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "invalid_lexicon"
    assert [bad["index"] for bad in error["entries"]] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert "2 characters but 1 syllables" in error["entries"][0]["errors"][0]
    assert "tone digit" in error["entries"][1]["errors"][0]
    assert error["entries"][0]["word"] == "银行"
    assert not admin.lexicon_path(app).exists()
    assert client.get("/admin/api/lexicon", headers=AUTH).json["source"] == "default"


def test_put_refuses_a_body_that_is_not_a_list(client: FlaskClient) -> None:
    response = client.put("/admin/api/lexicon", json={"word": "重庆"}, headers=AUTH)
    assert response.status_code == 400


def preview(client: FlaskClient, text: str, **options: Any) -> dict[str, Any]:
    response = client.post("/admin/api/lexicon/preview", json={"text": text, **options}, headers=AUTH)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def test_a_lexicon_change_changes_reading_and_cache_key(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    text = "江北区法院积极应诉。"
    before = preview(client, text, engine="offline")["sentences"][0]
    assert before["text_engine_spoken"] == "江北区法院积极硬诉。"  # the shipped homophone

    site = [{"word": "江北", "pinyin": "jiang1 bei3", "say": "姜北"}, {"word": "应诉", "pinyin": "ying1 su4"}]
    put = client.put("/admin/api/lexicon", json=site, headers=AUTH)
    assert put.status_code == 200, put.get_data(as_text=True)
    assert put.json["source"] == "site" and put.json["count"] == 2
    assert admin.lexicon_path(app) == tmp_path / "instance" / "lexicon.tsv"
    assert "江北\tjiang1 bei3\t姜北" in admin.lexicon_path(app).read_text("utf-8")

    after = preview(client, text, engine="offline")
    sentence = after["sentences"][0]
    assert after["lexicon_version"] == put.json["version"]
    assert sentence["spoken"] == before["spoken"]
    assert sentence["key"] != before["key"]
    assert sentence["text_engine_spoken"] == "姜北区法院积极应诉。"
    assert [r["word"] for r in sentence["readings"]] == ["江北", "应诉"]
    # ying4 (falling) became ying1 (level): the phonemes of 应 change, the rest of the clause does not.
    assert "i↘ŋsu↘" in before["phonemes"][0] and "i↘ŋsu↘" not in sentence["phonemes"][0]
    assert "i→ŋsu↘" in sentence["phonemes"][0]
    assert sentence["phonemes"][0].replace("i→ŋsu↘", "") == before["phonemes"][0].replace("i↘ŋsu↘", "")

    # The engine that narrates documents is the one with the new lexicon.
    engine = app.extensions["bobao"].get_engine("offline")
    assert engine.lexicon.version == put.json["version"]


def test_a_restart_keeps_the_site_lexicon(tmp_path: Path) -> None:
    first = admin_app(tmp_path, ADMIN_TOKEN=TOKEN)
    site = [{"word": "丰都", "pinyin": "feng1 du1"}]
    version = first.test_client().put("/admin/api/lexicon", json=site, headers=AUTH).json["version"]
    first.extensions["bobao"].jobs.shutdown()
    second = admin_app(tmp_path, ADMIN_TOKEN=TOKEN)
    assert second.extensions["bobao"].get_engine("offline").lexicon.version == version
    assert second.test_client().get("/admin/api/lexicon", headers=AUTH).json["version"] == version
    second.extensions["bobao"].jobs.shutdown()


def test_audio_preview_is_a_real_clip_through_the_cache(app: Flask, client: FlaskClient) -> None:
    text = "行长到银行办事。"
    key = preview(client, text, voice="fake-male")["sentences"][0]["key"]
    response = client.post(
        "/admin/api/lexicon/preview?audio=1", json={"text": text, "voice": "fake-male"}, headers=AUTH
    )
    assert response.status_code == 200 and response.mimetype == "audio/mpeg"
    assert response.headers["X-Clip-Key"] == key
    samples = decode_mp3(response.data)
    assert abs(len(samples) / 24 - expected_ms(text)) < 150
    engine = app.extensions["bobao"].get_engine("fake")
    calls = len(engine.calls)
    again = client.post(
        "/admin/api/lexicon/preview?audio=1", json={"text": text, "voice": "fake-male"}, headers=AUTH
    )
    assert again.data == response.data and len(engine.calls) == calls  # served from the cache
    assert client.get("/admin/api/cache", headers=AUTH).json["entries"] == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"text": ""}, 400),
        ({"text": "字" * 301}, 400),
        ({"text": "好", "engine": 3}, 400),
        ({"text": "好", "engine": "nope"}, 400),
        ({"text": "好", "voice": "nobody"}, 422),
    ],
)
def test_preview_refuses_bad_input(client: FlaskClient, body: dict[str, Any], status: int) -> None:
    response = client.post("/admin/api/lexicon/preview", json=body, headers=AUTH)
    assert response.status_code == status
    assert "error" in response.json


def offline_version(app: Flask) -> str:
    """The version of the lexicon the offline engine reads with."""
    return app.extensions["bobao"].get_engine("offline").lexicon.version


def test_a_file_written_elsewhere_is_followed_and_a_broken_one_is_not(
    app: Flask, client: FlaskClient
) -> None:
    shipped = client.get("/admin/api/lexicon", headers=AUTH).json["version"]
    path = admin.lexicon_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Another worker process (or an editor) writes the file: the next request here picks it up.
    path.write_text("# edited by hand\n重庆\tzhong4 qing4\n重庆\tchong2 qing4\n", encoding="utf-8")
    site = client.get("/admin/api/lexicon", headers=AUTH).json
    assert site["source"] == "site" and site["count"] == 1  # the later line wins, as in audio's parser
    assert offline_version(app) == site["version"]

    path.write_text("重庆\tchong qing\n", encoding="utf-8")  # no tones: the engine cannot use it
    broken = client.get("/admin/api/lexicon", headers=AUTH)
    assert broken.status_code == 422 and broken.json["error"]["code"] == "invalid_lexicon"
    assert offline_version(app) == site["version"]  # the previous reading stays

    path.unlink()  # removing the site file goes back to the shipped lexicon
    assert client.get("/admin/api/lexicon", headers=AUTH).json["version"] == shipped
    assert offline_version(app) == shipped
