"""A real Redis server and real Celery worker processes, all on 127.0.0.1 under tmp_path."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests import fakes
from tests.fakes import ToneEngine

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
WORKER_MAIN = "import sys; from web.core.tasks import main; sys.exit(main(sys.argv[1:]))"


def create_slow(**options: Any) -> ToneEngine:
    """The tone engine at 0.25 s a sentence, so a test can kill a worker halfway through a job."""
    options.setdefault("delay_s", 0.25)
    return fakes.create_slow(**options)


def create_failing(**options: Any) -> ToneEngine:
    """A tone engine that fails every sentence, for the failure path of a job."""
    engine = ToneEngine(fail_all=True, **options)
    engine.name = "failfake"
    return engine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port}")


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A throw-away redis-server on a free loopback port, without persistence."""
    if not os.path.exists(REDIS_SERVER):
        pytest.fail("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    data = tmp_path / "redis"
    data.mkdir()
    proc = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(data),
            "--save",
            "",
            "--appendonly",
            "no",
            "--protected-mode",
            "yes",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@dataclass
class Worker:
    name: str
    proc: subprocess.Popen[bytes]
    log_path: Path

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes: a machine that dies mid-job."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


@pytest.fixture
def cluster_env(tmp_path: Path, redis_url: str) -> dict[str, str]:
    """The BOBAO_* environment the web process and every worker share."""
    return {
        **os.environ,
        "BOBAO_BROKER": redis_url,
        "BOBAO_VISIBILITY_TIMEOUT_S": "4",
        "BOBAO_EXTRA_ENGINES": "fake=tests.fakes:create,slowfake=tests.scale.conftest:create_slow,"
        "failfake=tests.scale.conftest:create_failing",
        "BOBAO_TTS_ENGINE": "slowfake",
        "BOBAO_TTS_VOICE": "fake-female",
        "BOBAO_INSTANCE_PATH": str(tmp_path / "instance"),
        "BOBAO_AUDIO_CACHE_DIR": str(tmp_path / "shared" / "audio"),
        "BOBAO_DOCUMENT_DIR": str(tmp_path / "shared" / "documents"),
        "PYTHONPATH": os.getcwd(),
    }


@pytest.fixture
def start_worker(tmp_path: Path, cluster_env: dict[str, str]) -> Iterator[Any]:
    """Start ``bobao worker`` processes (one pool process each) in their own process groups."""
    workers: list[Worker] = []

    def start(name: str) -> Worker:
        log_path = tmp_path / f"{name}.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    WORKER_MAIN,
                    "-n",
                    f"{name}@test",
                    "--concurrency=1",
                    "--pool=prefork",
                    "--without-gossip",
                    "--without-mingle",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=cluster_env,
                cwd=os.getcwd(),
                start_new_session=True,
            )
        worker = Worker(name, proc, log_path)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def wait_until(predicate: Any, timeout_s: float, what: str, interval_s: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval_s)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
