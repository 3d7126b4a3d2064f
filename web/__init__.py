"""Bobao's web app: ``create_app`` builds a Flask app with its services in ``app.extensions["bobao"]``.

Config layering: ``web.config.DEFAULTS`` → ``<instance>/config.py`` → ``test_config`` → ``BOBAO_*``
environment variables. Cache and document folders default to the instance folder.
"""

from __future__ import annotations

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

    from web.config import instance_path

    # The instance folder (config.py, audio cache, documents) can be moved for deployments and tests.
    app = Flask(__name__, instance_relative_config=True, instance_path=str(instance_path(test_config)))
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
    from web.core import build_services
    from web.errors import register_error_handlers

    services = build_services(app.config)
    services.before_new_work = ratelimit.check_synthesis_quota  # a client's quota, per request
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
    from web.config import fill_paths

    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    if test_config is not None:
        app.config.update(test_config)
    app.config.from_prefixed_env("BOBAO")
    fill_paths(app.config, Path(app.instance_path))


def register_extra_engines(spec: str) -> None:
    """Register ``name=module:factory`` engines (``web.core.register_extra_engines``)."""
    from web.core import register_extra_engines as register

    register(spec)
