"""``bobao cache verify --repair`` also clears leftovers of interrupted document writes (item 12).

The leftover is made for real: a child process writing a 5 MB manifest through the store's own
``atomic_write_bytes`` is killed with SIGKILL between write and rename.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from web.cli import main

WRITER = """
import os, sys, time
from pathlib import Path
from web.core import documents
def stuck(fd):
    print("writing", flush=True)
    time.sleep(60)
os.fsync = stuck
documents.atomic_write_bytes(Path(sys.argv[1]) / "manifest.json", b"{" + b" " * 5_000_000 + b"}")
"""


def killed_mid_write(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    command = [sys.executable, "-c", WRITER, str(folder)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, env=env) as proc:
        assert proc.stdout is not None and proc.stdout.readline() == b"writing\n"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    leftovers = list(folder.glob(".manifest.json.*.tmp"))
    assert len(leftovers) == 1 and leftovers[0].stat().st_size > 5_000_000
    return leftovers[0]


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def verify(args: list[str], tmp_path: Path, monkeypatch, capsys) -> tuple[int, dict]:
    for key in [k for k in os.environ if k.startswith("BOBAO_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("BOBAO_INSTANCE_PATH", str(tmp_path / "instance"))
    code = main(["cache", "verify", *args])
    return code, json.loads(capsys.readouterr().out)


def test_verify_reports_and_repair_removes_stale_document_temp_files(tmp_path, monkeypatch, capsys):
    documents = tmp_path / "instance" / "documents"
    stale = killed_mid_write(documents / "0123456789abcdef01234567")
    age(stale, 3600)
    fresh = killed_mid_write(documents / "89abcdef0123456789abcdef")  # a writer may still be at it

    code, report = verify([], tmp_path, monkeypatch, capsys)
    assert code == 1 and report["clean"] is False
    assert report["documents"]["partials"] == [str(stale)]
    assert stale.exists()

    code, report = verify(["--repair"], tmp_path, monkeypatch, capsys)
    assert report["documents"]["repaired"] is True and report["documents"]["size_bytes"] > 5_000_000
    assert not stale.exists() and fresh.exists()

    code, report = verify([], tmp_path, monkeypatch, capsys)
    assert code == 0 and report["clean"] is True
