"""Bobao's web core: documents, their manifests, narration and jobs, without Flask.

Everything that makes a page into audio and keeps its state lives here; the HTTP layer
(``web.create_app`` and its blueprints), the CLI and the Celery worker all use the same
``Services`` built by ``build_services``. Nothing here imports Flask or reads a request: the
HTTP layer passes what a request carries (a listener's position, a client's quota hook) in.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from web.core.engines import KNOWN_ENGINES
from web.core.services import Services

__all__ = ["KNOWN_ENGINES", "Services", "build_services", "register_extra_engines"]


def build_services(config: Mapping[str, Any]) -> Services:
    """``Services`` for a loaded config (``web.config.load_config`` or an app's): engines, store, jobs.

    With ``BROKER_URL`` (or ``BROKER``) jobs go to Celery workers; else they run on threads here.
    """
    register_extra_engines(config.get("EXTRA_ENGINES") or "")
    services = Services(
        config,
        cache_dir=Path(config["AUDIO_CACHE_DIR"]),
        document_dir=Path(config["DOCUMENT_DIR"]),
        engines=_engine_names(config),
    )
    broker = config.get("BROKER_URL") or config.get("BROKER")
    if broker:  # scale-out: the web process only enqueues; `bobao worker` processes synthesize
        from web.core.tasks import CeleryJobs

        services.jobs = CeleryJobs(str(broker))
    return services


def _engine_names(config: Mapping[str, Any]) -> tuple[str, ...]:
    """Engines a request may name: the built-in ones, the configured default, the extra ones and
    speech-api when its server is configured."""
    from web.config import configured_engines

    names = [*KNOWN_ENGINES, str(config["TTS_ENGINE"]), *configured_engines(config)]
    return tuple(dict.fromkeys(names))


def register_extra_engines(spec: str) -> None:
    """Register ``name=module:factory`` engines (BOBAO_EXTRA_ENGINES), e.g. the test tone engine."""
    import audio
    from web.config import parse_extra_engines

    for name, target in parse_extra_engines(spec).items():
        audio.register(name, target)
