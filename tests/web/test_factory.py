"""create_app: config layering, services, blueprints, lazy engines, the demo document."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from tests.web.conftest import Reader
from tests.web.conftest import make_app
from web import create_app


def test_defaults_and_test_config(app):
    assert app.config["TTS_ENGINE"] == "fake"
    assert app.config["TTS_RATE"] == 0
    assert app.testing


def test_env_overrides_test_config(tmp_path, monkeypatch):
    monkeypatch.setenv("BOBAO_TTS_RATE", "10")
    monkeypatch.setenv("BOBAO_TTS_VOICE", "fake-male")
    app = make_app(tmp_path, TTS_RATE=5)
    assert app.config["TTS_RATE"] == 10
    assert app.config["TTS_VOICE"] == "fake-male"


def test_instance_config_file_is_read(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('TTS_VOICE = "fake-male"\nJOB_WORKERS = 3\n', encoding="utf-8")
    app = make_app(tmp_path)
    assert app.config["TTS_VOICE"] == "fake-male" and app.config["JOB_WORKERS"] == 3


def test_folders_default_to_the_instance_folder(tmp_path):
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "inst"), "TTS_ENGINE": "offline"})
    assert Path(app.config["AUDIO_CACHE_DIR"]) == tmp_path / "inst" / "audio"
    assert Path(app.config["DOCUMENT_DIR"]) == tmp_path / "inst" / "documents"
    # Building the app loads no engine: Kokoro would cost a second per app.
    assert app.extensions["bobao"].loaded_engines == ()


def test_services_and_blueprints(app: Flask):
    services = app.extensions["bobao"]
    assert {"api", "downloads", "player", "health", "openapi"} <= set(app.blueprints)
    assert services.engine.name == "fake"
    assert services.loaded_engines == ("fake",)
    assert services.cache.root == Path(app.config["AUDIO_CACHE_DIR"])
    assert services.store.root == Path(app.config["DOCUMENT_DIR"])


def test_voice_from_config_is_the_default(tmp_path):
    app = make_app(tmp_path, TTS_VOICE="fake-male")
    manifest = Reader(app.test_client()).read()
    assert manifest["voice"] == "fake-male"


def test_demo_document_is_loaded_and_synthesized(tmp_path):
    app = make_app(tmp_path, LOAD_DEMO=True)
    services = app.extensions["bobao"]
    assert services.demo_id is not None
    assert services.wait(services.demo_id, 240)
    manifest = services.store.load(services.demo_id)
    assert manifest["status"] == "ready"
    assert "江北区2023年法治政府建设情况报告" in manifest["title"]
    assert services.demo_id in app.test_client().get("/").get_data(as_text=True)
    services.jobs.shutdown()


def test_a_restart_keeps_finished_documents(tmp_path):
    manifest = Reader(make_app(tmp_path).test_client()).read()
    client = make_app(tmp_path).test_client()
    assert client.get(f"/api/documents/{manifest['id']}").get_json()["status"] == "ready"
    assert client.get(manifest["audio"]["mp3"]).status_code == 200


def test_a_restart_resumes_an_unfinished_document(tmp_path):
    manifest = Reader(make_app(tmp_path).test_client()).read()
    first = make_app(tmp_path).extensions["bobao"].store
    first.save({**manifest, "status": "synthesizing"})  # as a process killed mid-job leaves it
    first.page_mp3(manifest["id"]).unlink()
    app = make_app(tmp_path)
    reader = Reader(app.test_client())
    resumed = reader.until(manifest["id"], lambda m: m["status"] == "ready")
    assert resumed["audio"]["size_bytes"] == manifest["audio"]["size_bytes"]
    assert app.extensions["bobao"].store.page_mp3(manifest["id"]).is_file()


def test_a_document_another_process_works_on_is_left_alone(tmp_path):
    manifest = Reader(make_app(tmp_path).test_client()).read()
    app = make_app(tmp_path)
    services = app.extensions["bobao"]
    services.store.save({**manifest, "status": "synthesizing"})
    with services.store.lock(manifest["id"]) as mine:  # the other process holds the document's lock
        assert mine
        assert (
            app.test_client().get(f"/api/documents/{manifest['id']}").get_json()["status"] == "synthesizing"
        )
        assert not services.jobs.is_active(manifest["id"])
        again = Reader(app.test_client()).read(wait=False)
        assert again["status"] == "synthesizing" and not services.jobs.is_active(manifest["id"])
