"""The ``bobao`` command.

    bobao serve [--host H] [--port P] [--workers N]    the player, with the sample page ready
    bobao read INPUT -o OUT.mp3 [--engine E] [--voice V] [--rate +0%]   OUT.mp3 + OUT.vtt
    bobao sections INPUT [--format json|text]           the document outline
    bobao normalize [TEXT ...]                          each TEXT (else each stdin line) → its spoken line
    bobao cache stats|prune|verify                      the audio clip cache
    bobao worker … / bobao build …                      Celery worker / site pre-rendering

Configuration comes from the same layers as the web app (``BOBAO_*`` env vars, instance config).
Without ``BOBAO_INSTANCE_PATH`` the instance folder (documents, lexicon, config.py) is the user's
data folder and clips go to the user's cache folder (``web.userdirs``: ``$XDG_DATA_HOME/bobao``
and ``$XDG_CACHE_HOME/bobao/audio`` on Linux).
Expected failures print one line on stderr and exit with status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import signal
import sys
import time
from collections.abc import MutableMapping
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

# Each command imports what it needs: ``normalize`` and ``sections`` start without Flask or numpy.
if TYPE_CHECKING:
    import audio
    import reader
    from web.core import narration
    from web.core.services import Services

EXIT_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bobao", description="Read Chinese web pages aloud.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the player and the API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=None, help="server worker threads/processes")
    read = sub.add_parser("read", help="read a page into OUT.mp3 and OUT.vtt")
    read.add_argument("input", help="a text or HTML file, or - for stdin")
    read.add_argument("-o", "--output", required=True, type=Path, help="the MP3 to write")
    read.add_argument("--engine", default=None,
                      help="offline, edge, auto, speech-api (default: BOBAO_TTS_ENGINE)")
    read.add_argument("--voice", default=None)
    read.add_argument("--rate", default=None, help="speaking rate in percent, e.g. +10%% or -5%%")
    sections = sub.add_parser("sections", help="print the outline of a page")
    sections.add_argument("input", help="a text or HTML file, or - for stdin")
    sections.add_argument("--format", choices=("json", "text"), default="json")
    normalize = sub.add_parser("normalize", help="print the spoken form of each TEXT, or of each stdin line")
    normalize.add_argument("texts", nargs="*", metavar="TEXT", help="default: each stdin line")
    cache = sub.add_parser("cache", help="inspect or maintain the audio cache")
    cache.add_argument("action", choices=("stats", "prune", "verify"))
    cache.add_argument("--max-bytes", type=int, default=None, help="prune down to this size")
    cache.add_argument("--repair", action="store_true", help="verify: remove broken entries")
    for name in ("worker", "build"):
        delegated = sub.add_parser(name, help=f"see bobao {name} --help", add_help=False)
        delegated.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in DELEGATED:  # their own parsers take every option (``worker -n w1 …``)
        argv = [argv[0], "--", *argv[1:]]
    args = build_parser().parse_args(argv)
    if args.command not in ("normalize", "sections"):  # pure text: no folders needed
        use_user_folders(os.environ)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("bobao: interrupted", file=sys.stderr)
        return 130
    except _expected_errors() as exc:
        print(f"bobao: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # ops' fetch errors and anything unforeseen: still one line
        print(f"bobao: error: {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
        return EXIT_ERROR


def use_user_folders(env: MutableMapping[str, str]) -> None:
    """Unless an instance folder is configured, use the user's data and cache folders.

    Set in the environment, so that gunicorn's workers and ``bobao worker``/``build`` agree.
    A cache folder named in the instance's config.py still wins over the user's cache folder.
    """
    from web import userdirs

    if env.get("BOBAO_INSTANCE_PATH"):
        return
    data = userdirs.data_dir(env)
    env["BOBAO_INSTANCE_PATH"] = str(data)
    if not env.get("BOBAO_AUDIO_CACHE_DIR") and not _configured(data, "AUDIO_CACHE_DIR"):
        env["BOBAO_AUDIO_CACHE_DIR"] = str(userdirs.cache_dir(env) / "audio")


def _configured(instance: Path, key: str) -> bool:
    from flask import Config

    config = Config(str(instance))
    config.from_pyfile("config.py", silent=True)
    return bool(config.get(key))


def _expected_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OSError, ValueError]
    # A package the command never imported cannot have raised its errors (``--help`` imports none).
    for module, name in (("reader", "ReaderError"), ("audio", "AudioError"), ("web.errors", "WebError")):
        if module in sys.modules:
            errors.append(getattr(sys.modules[module], name))
    return tuple(errors)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _services(**overrides: Any) -> Services:
    """The same services as the server's, from the same config layers, without a Flask app."""
    from web.config import load_config
    from web.core import build_services

    return build_services(load_config(overrides or None))


def _read_input(name: str) -> reader.Document:
    import reader

    if name == "-":
        data = sys.stdin.buffer.read()
        return reader.read_bytes(data)
    path = Path(name)
    return reader.read_bytes(path.read_bytes(), filename=path.name)


def cmd_serve(args: argparse.Namespace) -> int:
    from web import create_app
    from web.exposure import exposure_warning

    app = create_app()  # fail here, in one clear line, on a bad configuration
    if not _voice_files_sound(app.config["TTS_ENGINE"]):
        return EXIT_ERROR
    warning = exposure_warning(args.host, app.config)
    if warning:
        print(warning, file=sys.stderr)
    settings = {"PREWARM_ENGINE": True, "LOAD_DEMO": True, "RESUME_ON_START": True,
                "API_ALLOW_LOOPBACK": _is_loopback(args.host)}
    print(f"bobao: serving on http://{args.host}:{args.port}/", file=sys.stderr)
    signal.signal(signal.SIGTERM, _stop_now)  # gunicorn installs its own (web.serving)
    try:
        from web.serving import run
    except ImportError:
        create_app(settings).run(host=args.host, port=args.port, threaded=True)
        return 0
    # A factory, not an app: each server process builds its own services (engine, job threads) after
    # the fork. The demo is synthesized once: the document's file lock lets one process do it.
    run(lambda: create_app(settings), host=args.host, port=args.port, workers=args.workers or 1)
    return 0


def _is_loopback(host: str) -> bool:
    """Only loopback listeners: 127.0.0.0/8, ::1 or localhost (never 0.0.0.0 or a real address)."""
    import ipaddress

    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _stop_now(_signum: int, _frame: object) -> None:
    """SIGTERM (systemd, ``docker stop``) ends the server at once, with status 0.

    A normal exit would first wait for the synthesis threads to finish their sentence (seconds with
    the offline voice). Finished clips and manifests are already on disk, written atomically, and
    an unfinished document resumes on the next start, so nothing finished is lost.
    """
    print("bobao: stopped", file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _voice_files_sound(engine: str) -> bool:
    """Say at start, not at the first request, that the vendored voice files are missing or corrupt.

    ``offline`` cannot speak without them: refuse to serve. ``auto`` still reads pages through edge.
    """
    from audio import voice_file_problems
    from web.health import USES_NATIVE_VOICES

    if engine not in USES_NATIVE_VOICES:
        return True
    for problem in voice_file_problems():
        print(f"bobao: {'error' if engine == 'offline' else 'warning'}: {problem}", file=sys.stderr)
        if engine == "offline":
            return False
    return True


def cmd_read(args: argparse.Namespace) -> int:
    import reader
    from web.config import parse_rate
    from web.core import narration

    started = time.monotonic()
    document = _read_input(args.input)
    services = _services()
    engine = services.get_engine(args.engine)
    params = services.speech_params(engine, args.voice, parse_rate(args.rate) if args.rate else None)
    items = narration.plan(document)
    if not items:
        raise reader.EmptyDocument("nothing to read aloud")
    cached = _count_cached(services, items, engine, params)
    clips = _synthesize_with_progress(services, items, engine, params)
    out = args.output if args.output.suffix else args.output.with_suffix(".mp3")
    track = narration.assemble_page(document, items, clips, out)
    elapsed = time.monotonic() - started
    print(
        f"bobao: wrote {out} and {out.with_suffix('.vtt')}: {len(items)} sentences, "
        f"{len(track.chapters)} chapters, {track.duration_ms / 1000:.1f} s of audio; "
        f"synthesized {len(items) - cached}, from cache {cached}; took {elapsed:.1f} s",
        file=sys.stderr,
    )
    return 0


def _count_cached(
    services: Services, items: list[narration.Item], engine: audio.Engine, params: audio.SpeechParams
) -> int:
    """How many items the cache already holds (so a second run can say it synthesized nothing)."""
    from web.core import narration

    extra = narration.extra_key()
    cache = services.cache

    def cached(text: str) -> bool:  # ``auto`` may hold a clip under edge's or the fallback's key
        keys = cache.lookup_keys(engine, params, text, extra=extra)
        return any(cache.path_for(key).with_suffix(".json").is_file() for key in keys)

    return sum(1 for item in items if cached(item.spoken))


def _synthesize_with_progress(
    services: Services, items: list[narration.Item], engine: audio.Engine, params: audio.SpeechParams
) -> dict[int, audio.AudioClip]:
    from tqdm import tqdm

    from web.core import narration

    with tqdm(total=len(items), unit="句", file=sys.stderr, disable=not sys.stderr.isatty()) as bar:
        return narration.synthesize_items(
            items, engine, params, services.cache, on_clip=lambda _i, _c: bar.update()
        )


def cmd_sections(args: argparse.Namespace) -> int:
    import reader

    document = _read_input(args.input)
    if args.format == "text":
        sys.stdout.write(reader.outline_text(document).rstrip("\n") + "\n")
    else:
        json.dump(reader.outline(document), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    return 0


def cmd_normalize(args: argparse.Namespace) -> int:
    lines = iter(args.texts) if args.texts else iter(sys.stdin.readline, "")
    for line in lines:
        _print_spoken(line)
    return 0


def _print_spoken(line: str) -> None:
    import reader

    try:
        spoken = reader.normalize(line.rstrip("\r\n")).spoken
    except reader.ReaderError as exc:
        print(f"bobao: cannot normalize a line: {_one_line(exc)}", file=sys.stderr)
        spoken = ""
    # Exactly one output line per input line, flushed at once so pipes can interleave.
    sys.stdout.write(" ".join(spoken.splitlines()) + "\n")
    sys.stdout.flush()


def cmd_cache(args: argparse.Namespace) -> int:
    services = _services()
    cache = services.cache
    if args.action == "stats":
        result: Any = cache.stats()
    elif args.action == "prune":
        result = cache.prune(args.max_bytes)
    else:
        return _verify(services, args.repair)
    print(json.dumps(_jsonable(result), ensure_ascii=False, indent=2))
    clean = getattr(result, "clean", True)
    return 0 if clean else 1


def _verify(services: Services, repair: bool) -> int:
    """The clip cache's check, and the document folder's leftovers of interrupted writes."""
    report = services.cache.verify(repair=repair)
    from web.repair import sweep_documents

    documents = sweep_documents(services.store.root, repair=repair)
    output = {**_jsonable(report), "documents": _jsonable(documents)}
    output["clean"] = report.clean and documents.clean
    print(json.dumps(output, ensure_ascii=False, indent=2))
    return 0 if output["clean"] else 1


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if hasattr(value, "clean"):
            data["clean"] = value.clean
        return data
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def cmd_delegate(args: argparse.Namespace) -> int:
    import importlib

    from web.errors import WebError

    module_name = {"worker": "web.core.tasks", "build": "web.build"}[args.command]
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise WebError(f"bobao {args.command} is not available in this installation") from None
    rest = [a for a in args.args]
    if rest[:1] == ["--"]:
        rest = rest[1:]
    return int(module.main(rest) or 0)


DELEGATED = ("worker", "build")


COMMANDS = {
    "serve": cmd_serve,
    "read": cmd_read,
    "sections": cmd_sections,
    "normalize": cmd_normalize,
    "cache": cmd_cache,
    "worker": cmd_delegate,
    "build": cmd_delegate,
}


if __name__ == "__main__":
    sys.exit(main())
