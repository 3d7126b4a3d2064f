"""Configuration defaults for the web app; every key can be overridden by ``BOBAO_<KEY>`` in the env.

Layering (``load_config``, and ``web.create_app`` through Flask's config): ``DEFAULTS`` →
``<instance>/config.py`` → ``test_config`` → env. Paths left as ``None`` are filled in from the
instance folder. ``load_config`` needs no Flask: the CLI and the Celery worker use it.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DEFAULTS: Mapping[str, Any] = {
    # Speech: the embedded offline voice is the default so a fresh install speaks without a network.
    "TTS_ENGINE": "offline",
    "TTS_VOICE": None,  # None → the engine's first (default) voice
    "TTS_RATE": 0,  # percent
    # What a request may choose (web.choices): None → TTS_ENGINE and the EXTRA_ENGINES; list the
    # online "edge" here only if page text may leave the server. CLIENT_VOICES: None → any voice.
    "CLIENT_ENGINES": None,
    "CLIENT_VOICES": None,
    # "name=package.module:factory,…": engines registered at start-up (tests use the tone engine).
    "EXTRA_ENGINES": "",
    # The site's own OpenAI-compatible speech server (engine "speech-api"): offered once SPEECH_API_URL
    # is set, never the default. VOICES: the server's voice names, comma-separated, first = default.
    "SPEECH_API_URL": None,  # http(s)://host[:port]; requests go to <url>/v1/audio/speech only
    "SPEECH_API_MODEL": "tts-1",
    "SPEECH_API_VOICES": "",
    "SPEECH_API_KEY": None,  # sent as "Authorization: Bearer …" when set
    "SPEECH_API_TIMEOUT_S": 30.0,
    "SPEECH_API_FORMAT": "wav",  # asked-for answer format: wav, flac, opus, aac, mp3 or pcm
    "AUDIO_CACHE_DIR": None,  # None → <instance>/audio
    "AUDIO_CACHE_MAX_BYTES": None,
    "DOCUMENT_DIR": None,  # None → <instance>/documents
    # Limits: a government report is ~15k characters; 200k leaves room for long pages.
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "MAX_TEXT_CHARS": 200_000,
    "FETCH_ALLOWED_HOSTS": [],
    "FETCH_TIMEOUT_S": 10.0,  # the whole fetch: connect, headers and body, over every redirect
    "FETCH_MAX_BYTES": 2 * 1024 * 1024,
    # Fetches and ?wait=1 each hold a server thread. Per client (more → 429 / no wait) and in total
    # (more → 503 / no wait); the two totals together stay below the 8 threads of a serve worker,
    # so /healthz and listeners always find one.
    "FETCH_MAX_PER_CLIENT": 2,
    "FETCH_MAX_TOTAL": 3,
    "WAIT_MAX_S": 60,
    "WAIT_MAX_PER_CLIENT": 1,
    "WAIT_MAX_TOTAL": 3,
    # Intranet deployments list the private networks or hosts they may read ("10.20.0.0/16",
    # ".intra.gov.cn"); loopback, link-local and this server's own addresses are never read (SSRF).
    "FETCH_PRIVATE_NETWORKS": [],
    "API_ALLOWED_ORIGINS": [],
    # Also allow any http://127.0.0.1:*, localhost:* or [::1]:* page; `bobao serve` turns it on
    # when it listens on loopback only (local development), never on another address.
    "API_ALLOW_LOOPBACK": False,
    # This service's own origin ("https://read.example.gov.cn"), for CORS; never taken from Host.
    "PUBLIC_ORIGIN": None,
    "ADMIN_TOKEN": None,  # None or "" → the admin API answers 403 admin_disabled
    # Wrong admin tokens per client before it is locked out (429) until the allowance refills.
    "ADMIN_AUTH_RATE": "10/minute",
    # The site pronunciation lexicon (word → pinyin), edited through the admin API.
    "LEXICON_PATH": None,  # None → <instance>/lexicon.tsv; the shipped default applies until it exists
    # The site's reading rules (written form → spoken form), edited in the operator console.
    "READING_RULES_PATH": None,  # None → <instance>/reading_rules.json
    # Listener reports ("报告读音错误") per client; "off" disables the limit.
    "REPORT_RATE": "20/hour",
    "BROKER_URL": None,
    # Background synthesis: threads in this process; a full queue answers 503 with Retry-After.
    # Two, so that a visitor's new page starts at once instead of queueing behind a long one (the
    # demo page alone is 25 minutes of speech); they share the CPU while both run.
    "JOB_WORKERS": 2,
    "JOB_QUEUE_SIZE": 16,
    "JOB_RETRY_AFTER_S": 30,
    # Max-age for files that may change (page MP3s are rebuilt when a document is re-synthesized).
    "DOWNLOAD_MAX_AGE_S": 3600,
    # Start loading the engine in a background thread at start-up (serve), not on first request.
    "PREWARM_ENGINE": False,
    # Import the bundled sample page at start-up so that "/" has something to play.
    "LOAD_DEMO": False,
}


def parse_extra_engines(spec: str) -> dict[str, str]:
    """``"fake=tests.fakes:create,x=m:f"`` → ``{"fake": "tests.fakes:create", "x": "m:f"}``."""
    engines: dict[str, str] = {}
    for item in spec.split(","):
        name, sep, target = item.strip().partition("=")
        if sep and name.strip() and ":" in target:
            engines[name.strip()] = target.strip()
    return engines


SPEECH_API = "speech-api"


def configured_engines(config: Mapping[str, Any]) -> dict[str, str]:
    """Engines the operator turned on beyond the built-in ones: ``EXTRA_ENGINES``, and ``speech-api``
    once ``SPEECH_API_URL`` names a server (name → factory; the built-in factory for speech-api)."""
    engines = parse_extra_engines(config.get("EXTRA_ENGINES") or "")
    if config.get("SPEECH_API_URL"):
        engines.setdefault(SPEECH_API, "audio.engines.openai_speech:create")
    return engines


def parse_rate(value: object) -> int:
    """Accept ``0``, ``"+10%"``, ``"-5"`` … and return an int percent; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"bad rate {value!r}")
    if isinstance(value, int):
        rate = value
    elif isinstance(value, str):
        try:
            rate = int(value.strip().removesuffix("%"))
        except ValueError:
            raise ValueError(f"bad rate {value!r}; use a percentage such as +10% or -5%") from None
    else:
        raise ValueError(f"bad rate {value!r}")
    if not -50 <= rate <= 100:
        raise ValueError(f"rate {rate}% is outside -50%..+100%")
    return rate


def environment(key: str, default: str | None = None) -> str | None:
    """``BOBAO_<KEY>`` from the process environment: the one place settings are read from it.

    For what is needed before (or without) an app: the server choice, the broker of a worker, the
    instance folder. Everything else goes through the config layers above.
    """
    value = os.environ.get(f"BOBAO_{key}")
    return value if value else default


def instance_path(overrides: Mapping[str, Any] | None = None) -> Path:
    """The instance folder: ``INSTANCE_PATH``, ``BOBAO_INSTANCE_PATH``, else where Flask puts it."""
    chosen = (overrides or {}).get("INSTANCE_PATH") or environment("INSTANCE_PATH")
    if chosen:
        return Path(os.path.abspath(chosen))
    package_parent = Path(__file__).resolve().parent.parent
    if package_parent.name in ("site-packages", "dist-packages"):  # installed: Flask's <prefix>/var
        return Path(sys.prefix) / "var" / "web-instance"
    return package_parent / "instance"


def load_config(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The settings of ``create_app``'s layers, without building an app."""
    instance = instance_path(overrides)
    config: dict[str, Any] = dict(DEFAULTS)
    config.update(_instance_settings(instance))
    config.update(overrides or {})
    config.update(_environment_settings())
    fill_paths(config, instance)
    return config


def fill_paths(config: dict[str, Any], instance: Path) -> None:
    """Cache, documents, lexicon and reading rules default to files in the instance folder."""
    for key, name in (("AUDIO_CACHE_DIR", "audio"), ("DOCUMENT_DIR", "documents"),
                      ("LEXICON_PATH", "lexicon.tsv"), ("READING_RULES_PATH", "reading_rules.json")):
        if not config.get(key):
            config[key] = str(instance / name)


def _instance_settings(instance: Path) -> dict[str, Any]:
    """The upper-case names of ``<instance>/config.py`` (as Flask's ``from_pyfile`` reads them)."""
    path = instance / "config.py"
    if not path.is_file():
        return {}
    namespace: dict[str, Any] = {"__file__": str(path)}
    exec(compile(path.read_bytes(), str(path), "exec"), namespace)  # noqa: S102 - the operator's own file
    return {key: value for key, value in namespace.items() if key.isupper()}


def _environment_settings() -> dict[str, Any]:
    """``BOBAO_<KEY>`` variables, JSON-decoded when they parse (as Flask's ``from_prefixed_env``)."""
    settings: dict[str, Any] = {}
    for name in sorted(os.environ):
        if not name.startswith("BOBAO_"):
            continue
        raw = os.environ[name]
        try:
            value: Any = json.loads(raw)
        except ValueError:
            value = raw
        key, *path = name.removeprefix("BOBAO_").split("__")
        target = settings
        for part in [key, *path][:-1]:
            target = target.setdefault(part, {})
        target[[key, *path][-1]] = value
    return settings
