"""``bobao serve`` in a child process on 127.0.0.1 (gunicorn, as in production), for whole-server tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SERVE_MAIN = "import sys; from web.cli import main; sys.exit(main(sys.argv[1:]))"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    proc: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get_json(self, path: str, timeout_s: float = 5.0) -> Any:
        with urllib.request.urlopen(self.base + path, timeout=timeout_s) as response:
            return json.load(response)

    def post_json(self, path: str, body: dict[str, Any], timeout_s: float = 10.0) -> tuple[int, Any]:
        request = urllib.request.Request(
            self.base + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)

    def terminate(self, timeout_s: float = 40.0) -> int:
        """SIGTERM (a graceful stop) and wait for the server to exit."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout_s)

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def serve(root: Path, env: dict[str, str], *, port: int | None = None, workers: int = 1) -> Served:
    """Start ``bobao serve`` with ``BOBAO_*`` settings ``env``; return once /healthz answers."""
    port = port or free_port()
    log_path = root / f"serve-{port}-{time.monotonic_ns()}.log"
    full_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("BOBAO_")},
        "BOBAO_INSTANCE_PATH": str(root / "instance"),
        "BOBAO_LOAD_DEMO": "false",
        "BOBAO_PREWARM_ENGINE": "false",
        "PYTHONPATH": os.getcwd(),
        **env,
    }
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-c", SERVE_MAIN, "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(workers)],
            env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    served = Served(proc, port, log_path)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"bobao serve exited with {proc.returncode}:\n{served.log()}")
        try:
            served.get_json("/healthz", timeout_s=1)
            return served
        except OSError:
            time.sleep(0.1)
    served.kill()
    raise AssertionError(f"bobao serve did not answer:\n{served.log()}")
