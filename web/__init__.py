"""Bobao's web app: ``create_app`` builds a Flask app with its services in ``app.extensions["bobao"]``.

Config layering: ``web.config.DEFAULTS`` → ``<instance>/config.py`` → ``test_config`` → ``BOBAO_*``
environment variables. Cache and document folders default to the instance folder.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

# Flask is imported by create_app: the ``bobao`` CLI lives in this package, and its text commands
# (normalize, sections) start without it.
if TYPE_CHECKING:
    from flask import Flask

__all__ = ["create_app", "register_extra_engines"]


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: config, services, blueprints, security hooks and error handlers."""
    from flask import Flask

    from web.config import environment

    # The instance folder (config.py, audio cache, documents) can be moved for deployments and tests.
    instance_path = (test_config or {}).get("INSTANCE_PATH") or environment("INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
    )
    _configure(app, test_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Chinese stays readable in JSON

    from web import admin
    from web import api
    from web import caption
    from web import console
    from web import demopage
    from web import downloads
    from web import health
    from web import openapi
    from web import player
    from web import ratelimit
    from web import reports
    from web import security
    from web.errors import register_error_handlers
    from web.services import Services

    register_extra_engines(app.config.get("EXTRA_ENGINES") or "")
    services = Services(
        app.config,
        cache_dir=Path(app.config["AUDIO_CACHE_DIR"]),
        document_dir=Path(app.config["DOCUMENT_DIR"]),
        engines=_engine_names(app.config.get("EXTRA_ENGINES") or "", app.config["TTS_ENGINE"]),
    )
    broker = app.config.get("BROKER_URL") or app.config.get("BROKER")
    if broker:  # scale-out: the web process only enqueues; `bobao worker` processes synthesize
        from web.tasks import CeleryJobs

        services.jobs = CeleryJobs(str(broker))
    app.extensions["bobao"] = services
    for blueprint in (api.bp, caption.bp, downloads.bp, player.bp, health.bp, admin.bp, openapi.bp,
                      demopage.bp, reports.bp, console.bp):
        app.register_blueprint(blueprint)
    security.init_app(app)
    ratelimit.init_app(app)
    register_error_handlers(app)
    if app.config.get("PREWARM_ENGINE"):
        services.prewarm()
    if app.config.get("LOAD_DEMO"):
        _load_demo(app)
    return app


def _load_demo(app: Flask) -> None:
    """Queue the sample page; a broken engine must not stop the server (health reports it)."""
    try:
        app.extensions["bobao"].load_demo()
    except Exception:
        app.logger.exception("could not load the demo document")


def _configure(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    from web.config import DEFAULTS

    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    if test_config is not None:
        app.config.update(test_config)
    app.config.from_prefixed_env("BOBAO")
    instance = Path(app.instance_path)
    if not app.config.get("AUDIO_CACHE_DIR"):
        app.config["AUDIO_CACHE_DIR"] = str(instance / "audio")
    if not app.config.get("DOCUMENT_DIR"):
        app.config["DOCUMENT_DIR"] = str(instance / "documents")
    if not app.config.get("LEXICON_PATH"):
        app.config["LEXICON_PATH"] = str(instance / "lexicon.tsv")
    if not app.config.get("READING_RULES_PATH"):
        app.config["READING_RULES_PATH"] = str(instance / "reading_rules.json")


def _engine_names(extra: str, default: str) -> tuple[str, ...]:
    """Engines a request may name: the built-in ones, the configured default and the extra ones."""
    from web.config import parse_extra_engines
    from web.services import KNOWN_ENGINES

    names = [*KNOWN_ENGINES, default, *parse_extra_engines(extra)]
    return tuple(dict.fromkeys(names))


def register_extra_engines(spec: str) -> None:
    """Register ``name=module:factory`` engines (BOBAO_EXTRA_ENGINES), e.g. the test tone engine."""
    import audio
    from web.config import parse_extra_engines

    for name, target in parse_extra_engines(spec).items():
        audio.register(name, target)
