"""Load test of ``bobao serve`` against a static file server, on 127.0.0.1, bounded in time.

    python bench/serve.py [--seconds 5] [--clients 100] [--workers 2]

Prepares one synthesized document (tone engine, so the bench measures serving, not speech), then
for each server — ``python -m http.server`` (HTTP/1.1) on the same files as the static baseline,
``bobao`` with 1 worker, and ``bobao`` with N workers — hammers two resources: one cached sentence
clip (``/audio/<key>.mp3``) and the document manifest (``/api/documents/<id>``; the static server
serves the same manifest.json file). The load generator is keep-alive asyncio in two client
processes. Prints requests/s, p50 and p99 latency, errors, and throughput relative to static.
Targets (issue 7): cached audio >= 50% of static throughput; p99 < 50 ms at 100 clients.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT = "区政府关于服务压力测试的通知\n\n一、总体要求\n\n" + "这是用于测试的一句话。" * 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server on {port} did not start")


def bench_env(instance: Path) -> dict[str, str]:
    return {
        **os.environ,
        "BOBAO_INSTANCE_PATH": str(instance),
        "BOBAO_TTS_ENGINE": "fake",
        "BOBAO_EXTRA_ENGINES": "fake=tests.fakes:create",
        "BOBAO_RATE_LIMIT": "off",
        "PYTHONPATH": str(ROOT),
        "BOBAO_SERVER": "gunicorn",
    }


def prepare(instance: Path) -> tuple[str, str, Path, Path]:
    """Synthesize one document; return clip URL, manifest URL and their files on disk."""
    os.environ.update(bench_env(instance))
    sys.path.insert(0, str(ROOT))
    from web import create_app

    app = create_app()
    manifest = app.test_client().post("/api/documents?wait=1", json={"text": TEXT}).get_json()
    services = app.extensions["bobao"]
    services.jobs.shutdown()
    clip = manifest["sections"][0]["sentences"][0]["clip"]
    clip_file = services.cache.path_for(clip.rsplit("/", 1)[1].removesuffix(".mp3"))
    manifest_file = services.store.dir_for(manifest["id"]) / "manifest.json"
    return clip, f"/api/documents/{manifest['id']}", clip_file, manifest_file


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> str:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    headers = head.decode("latin-1").lower()
    await reader.readexactly(int(headers.split("content-length:", 1)[1].split("\r\n", 1)[0]))
    return headers


async def _one_client(
    port: int, path: str, stop_at: float, latencies: list[float], errors: list[int], pace_s: float = 0.0
) -> None:
    """One keep-alive client: back-to-back requests, or one every ``pace_s`` seconds (a listener)."""
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\n\r\n".encode()
    reader = writer = None
    await asyncio.sleep(random.random() * pace_s)  # paced clients start spread out, not in lockstep
    while time.perf_counter() < stop_at:
        try:
            if writer is None:
                reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
            started = time.perf_counter()  # from sending the request to the last body byte
            headers = await asyncio.wait_for(_exchange(reader, writer, request), 10)
            latencies.append(time.perf_counter() - started)
            await asyncio.sleep(max(0.0, pace_s - (time.perf_counter() - started)))
            if not headers.startswith("http/1.1 200") and not headers.startswith("http/1.0 200"):
                errors.append(1)
            if "connection: close" in headers or headers.startswith("http/1.0"):
                writer.close()
                writer = None
        except (TimeoutError, OSError, asyncio.IncompleteReadError, IndexError, ValueError):
            errors.append(1)
            if writer is not None:
                writer.close()
            writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


def _client_process(
    port: int, path: str, clients: int, seconds: float, pace_s: float, queue: multiprocessing.Queue
) -> None:
    latencies: list[float] = []
    errors: list[int] = []

    async def main() -> None:
        warm_until = time.perf_counter() + 0.5
        await asyncio.gather(*(_one_client(port, path, warm_until, [], []) for _ in range(clients)))
        stop_at = time.perf_counter() + seconds
        await asyncio.gather(
            *(_one_client(port, path, stop_at, latencies, errors, pace_s) for _ in range(clients))
        )

    asyncio.run(main())
    queue.put((latencies, len(errors)))


def load(
    port: int, path: str, clients: int, seconds: float, pace_s: float = 0.0, processes: int = 2
) -> dict[str, float]:
    """Run ``clients`` keep-alive clients (split over processes) for ``seconds``; summarize."""
    queue: multiprocessing.Queue = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(
            target=_client_process, args=(port, path, clients // processes, seconds, pace_s, queue)
        )
        for _ in range(processes)
    ]
    for proc in procs:
        proc.start()
    results = [queue.get(timeout=seconds + 60) for _ in procs]
    for proc in procs:
        proc.join()
    latencies = sorted(x for lat, _ in results for x in lat)
    errors = sum(e for _, e in results)
    if not latencies:
        return {"rps": 0.0, "p50_ms": float("nan"), "p99_ms": float("nan"), "errors": errors}
    return {
        "rps": len(latencies) / seconds,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "errors": errors,
    }


def start_static(root: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "http.server",
            "-b",
            "127.0.0.1",
            "-d",
            str(root),
            "-p",
            "HTTP/1.1",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_for_port(port)
    return proc, port


def start_bobao(instance: Path, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    code = (
        "import sys; from web import create_app; from web.serving import run; "
        "run(create_app(), '127.0.0.1', int(sys.argv[1]), int(sys.argv[2]))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(port), str(workers)],
        env=bench_env(instance),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_for_port(port)
    return proc, port


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--pace-ms", type=int, default=250, help="paced runs: each client's request interval")
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="bobao-bench-"))
    clip, manifest, clip_file, manifest_file = prepare(instance)
    static_root = instance / "static-copy"
    (static_root / "audio").mkdir(parents=True)
    shutil.copy(clip_file, static_root / "audio" / Path(clip).name)
    (static_root / "manifest.json").write_bytes(manifest_file.read_bytes())
    rows = []
    servers = [
        ("static http.server", 1, lambda: start_static(static_root)),
        ("bobao gunicorn", 1, lambda: start_bobao(instance, 1)),
        ("bobao gunicorn", args.workers, lambda: start_bobao(instance, args.workers)),
    ]
    for name, workers, start in servers:
        proc, port = start()
        try:
            for label, path in (("clip mp3", clip), ("manifest", manifest)):
                path = (
                    ("/audio/" + Path(clip).name if label == "clip mp3" else "/manifest.json")
                    if name.startswith("static")
                    else path
                )
                for mode, pace_s in (
                    ("max", 0.0),
                    (f"{args.clients * 1000 // args.pace_ms}/s", args.pace_ms / 1000),
                ):
                    result = load(port, path, args.clients, args.seconds, pace_s)
                    rows.append((name, workers, f"{label} {mode}", result))
        finally:
            stop(proc)
    print_table(rows, args)
    shutil.rmtree(instance, ignore_errors=True)


def print_table(rows: list, args: argparse.Namespace) -> None:
    static = {label: r["rps"] for name, _, label, r in rows if name.startswith("static")}
    print(
        f"\n{args.clients} keep-alive clients, {args.seconds:.0f} s per run, {os.cpu_count()} CPUs "
        f"(load generator shares them). 'max': back-to-back requests (throughput; latency is then\n"
        f"queueing, clients/throughput). 'N/s': each client asks every {args.pace_ms} ms, like listeners.\n"
    )
    print(
        f"{'server':<20}{'workers':>8}  {'resource, load':<18}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'errors':>8}{'vs static':>11}"
    )
    for name, workers, label, r in rows:
        ratio = r["rps"] / static[label] * 100 if static.get(label) else float("nan")
        print(
            f"{name:<20}{workers:>8}  {label:<18}{r['rps']:>9.0f}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}"
            f"{r['errors']:>8}{ratio:>10.0f}%"
        )


if __name__ == "__main__":
    main()
