"""Measure how fast ``auto`` gives up on an unreachable Edge service and what each later sentence costs.

    python bench/edge_fallback.py              # local scenarios only (127.0.0.1 and a simulated DNS failure)
    python bench/edge_fallback.py --real-dns   # also the real endpoint, as this machine resolves it
    python bench/edge_fallback.py --offline    # fall back to the real Kokoro engine instead of silence

Scenarios: DNS failure, refused connection, a service that accepts and then stalls (auto's default
4 s first-answer timeout × 2 attempts), and a healthy local fake for comparison. For each: the time of the
first
sentence (which discovers the failure) and the median overhead per later sentence, i.e. the auto
call minus the fallback engine's own time.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import time
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import edge_tts.communicate  # noqa: E402
import edge_tts.voices  # noqa: E402

from audio import Engine  # noqa: E402
from audio import Speech  # noqa: E402
from audio import SpeechParams  # noqa: E402
from audio import Voice  # noqa: E402
from audio import get_engine  # noqa: E402
from audio.engines import auto  # noqa: E402
from audio.mp3 import silence  # noqa: E402
from tests.audio.edge_server import EdgeFake  # noqa: E402

SENTENCES = [f"这是第{n}句，用来测量回退的时间。" for n in range(1, 21)]
PARAMS = SpeechParams("zh-CN-XiaoxiaoNeural")


class SilenceEngine(Engine):
    """A fallback that costs next to nothing, so the numbers show auto's own overhead."""

    name = "silence"
    version = "1"
    default_voice = "quiet"

    def voices(self) -> list[Voice]:
        return [Voice("quiet", self.name)]

    def synthesize(self, text: str, params: SpeechParams) -> Speech:
        return Speech(silence(60 * len(text)), engine=self.name, voice=params.voice)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def no_such_host(host: str) -> Iterator[None]:
    """Answer lookups of ``host`` the way a resolver answers for a name that does not exist."""
    real = socket.getaddrinfo

    def resolve(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == host:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(name, *args, **kwargs)

    socket.getaddrinfo = resolve
    try:
        yield
    finally:
        socket.getaddrinfo = real


def run(label: str, fallback: Engine, wss_url: str | None, fake: EdgeFake) -> None:
    """Synthesize SENTENCES through a fresh auto engine and print the figures."""
    if wss_url is not None:
        edge_tts.communicate.WSS_URL = wss_url
    engine = auto.create(fallback=fallback)
    try:
        engine.voices()  # The voice list is served locally in every scenario except --real-dns.
    except Exception as exc:  # noqa: BLE001 - the real endpoint may fail here too; that is measured below.
        print(f"  (voice list: {type(exc).__name__})")
    timings, engines = [], []
    for text in SENTENCES:
        started = time.perf_counter()
        speech = engine.synthesize(text, PARAMS)
        timings.append(time.perf_counter() - started)
        engines.append(speech.engine)
    own_params = SpeechParams(fallback.voices()[0].name)
    own = [_time(lambda t=t: fallback.synthesize(t, own_params)) for t in SENTENCES]
    overhead_ms = statistics.median((a - b) * 1000 for a, b in zip(timings[1:], own[1:], strict=True))
    print(f"{label:<34} first sentence {timings[0] * 1000:9.1f} ms   later overhead (median) "
          f"{overhead_ms:7.2f} ms   engines {sorted(set(engines))}   WS connections {len(fake.exchanges)}")
    fake.reset()


def _time(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real-dns", action="store_true", help="also try the real endpoint's DNS name")
    parser.add_argument("--offline", action="store_true", help="fall back to Kokoro instead of silence")
    args = parser.parse_args()
    fallback: Engine = get_engine("offline") if args.offline else SilenceEngine()
    with EdgeFake() as fake:
        real_wss = edge_tts.communicate.WSS_URL
        edge_tts.voices.VOICE_LIST = fake.voice_list_url
        run("healthy local fake", fallback, fake.wss_url, fake)
        with no_such_host("edge.invalid"):
            run("DNS failure (simulated)", fallback, "ws://edge.invalid/v1?x=1", fake)
        run("connection refused", fallback, f"ws://127.0.0.1:{closed_port()}/v1?x=1", fake)
        fake.queue(*["stall"] * 4)
        run("accepts, then stalls (4 s x 2)", fallback, fake.wss_url, fake)
        if args.real_dns:
            run("real endpoint from this machine", fallback, real_wss, fake)


if __name__ == "__main__":
    main()
