"""The ``bobao`` command, run as a real subprocess."""

from __future__ import annotations

import io
import json
import os
import re
import select
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import numpy as np
import pytest

from tests.web.conftest import decode_mp3
from tests.web.conftest import parse_vtt
from web.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "web" / "demo" / "jiangbei-2023-fazhi-report.txt"
SHORT = (
    "区政府关于测试工作的报告\n\n一、主要举措\n\n第一句话。第二句话，共计12.5万元。\n\n"
    "二、其他事项\n\n第三句话。\n"
)
TWO_SENTENCES = "今天天气很好。我们去公园散步。\n"


def bobao(
    *args: str, tmp_path: Path, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "web.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        cwd=ROOT,
        timeout=timeout,
    )


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOBAO_")}
    env.update(
        PYTHONPATH=str(ROOT),
        BOBAO_INSTANCE_PATH=str(tmp_path / "instance"),
        BOBAO_AUDIO_CACHE_DIR=str(tmp_path / "audio"),
        BOBAO_EXTRA_ENGINES="fake=tests.fakes:create",
    )
    return env


def test_console_script_is_installed(tmp_path):
    # The README runs `.venv/bin/bobao` without activating the virtualenv, so the script is
    # looked up where pip put it (beside this interpreter), never on the caller's PATH.
    script = Path(sysconfig.get_path("scripts")) / "bobao"
    assert script.is_file(), f"{script} missing: run scripts/install.sh"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0
    for command in ("serve", "read", "sections", "normalize", "cache", "worker", "build"):
        assert command in result.stdout


def test_normalize_prints_one_line_per_line(tmp_path):
    lines = ["2023年10月", "", "共计33.1条", "增长24.1%"]
    result = bobao("normalize", tmp_path=tmp_path, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout.split("\n")
    assert out[-1] == "" and len(out) - 1 == len(lines)
    assert out[0] == "二零二三年十月" and out[1] == ""
    assert "三十三点一" in out[2] and "百分之二十四点一" in out[3]


def test_normalize_takes_texts_as_arguments_too(tmp_path):
    result = bobao("normalize", "2户", "拨打12345热线", tmp_path=tmp_path, stdin="不读这一行\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "两户\n拨打幺二三四五热线\n", "the arguments are read, not stdin"


def test_normalize_answers_each_line_before_stdin_closes(tmp_path):
    with subprocess.Popen(
        [sys.executable, "-m", "web.cli", "normalize"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=_env(tmp_path),
        cwd=ROOT,
    ) as proc:
        answers = []
        for line in ("第1名", "5个"):
            proc.stdin.write((line + "\n").encode())
            proc.stdin.flush()
            ready, _, _ = select.select([proc.stdout], [], [], 60)
            assert ready, "no answer while stdin is still open"
            answers.append(proc.stdout.readline().decode().rstrip("\n"))
        proc.stdin.close()
        assert proc.wait(30) == 0
    assert answers == ["第一名", "五个"]


def test_sections_json_of_the_sample(tmp_path):
    result = bobao("sections", str(SAMPLE), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    outline = json.loads(result.stdout)
    assert outline["title"] == "重庆市江北区2023年法治政府建设情况报告"
    assert outline["date"] == "2024-02-07"
    top = [s for s in outline["sections"] if s.get("level") == 1]
    assert [s["heading"][:2] for s in top] == ["一、", "二、", "三、", "四、"]


def test_sections_of_a_pdf_attachment(tmp_path):
    pdf = ROOT / "tests" / "reader" / "data" / "attachments" / "report.pdf"
    result = bobao("sections", str(pdf), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    outline = json.loads(result.stdout)
    assert outline["title"] == "重庆市江北区2023年法治政府建设情况报告"
    top = [s["heading"] for s in outline["sections"] if s.get("level") == 1]
    assert top == ["一、法治政府建设的主要举措和成效"]


def test_sections_text_format(tmp_path):
    result = bobao(
        "sections", "-", "--format", "text", tmp_path=tmp_path, stdin=SAMPLE.read_text(encoding="utf-8")
    )
    assert result.returncode == 0, result.stderr
    assert "一、法治政府建设的主要举措和成效" in result.stdout


def _summary(stderr: str) -> tuple[int, int]:
    match = re.search(r"synthesized (\d+), from cache (\d+)", stderr)
    assert match, stderr
    return int(match[1]), int(match[2])


def test_read_with_the_tone_engine_writes_mp3_and_vtt(tmp_path):
    source = tmp_path / "short.txt"
    source.write_text(SHORT, encoding="utf-8")
    out = tmp_path / "out.mp3"
    first = bobao("read", str(source), "-o", str(out), "--engine", "fake", tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    assert _summary(first.stderr) == (6, 0)
    samples = decode_mp3(out.read_bytes())
    assert len(samples) / 24_000 > 2.0
    cues = parse_vtt(out.with_suffix(".vtt").read_text(encoding="utf-8"))
    assert [c[2] for c in cues] == [
        "区政府关于测试工作的报告",
        "一、主要举措",
        "第一句话。",
        "第二句话，共计12.5万元。",
        "二、其他事项",
        "第三句话。",
    ]
    again = bobao(
        "read", str(source), "-o", str(tmp_path / "again.mp3"), "--engine", "fake", tmp_path=tmp_path
    )
    assert _summary(again.stderr) == (0, 6)
    assert (tmp_path / "again.mp3").read_bytes() == out.read_bytes()


def run_main(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, stdin: str = ""
) -> tuple[int, str, str]:
    """``bobao`` in this process (fast): same env as the subprocess runs, stdin from a string."""
    for key in [k for k in os.environ if k.startswith("BOBAO_")]:
        monkeypatch.delenv(key)
    for key, value in _env(tmp_path).items():
        if key.startswith("BOBAO_"):
            monkeypatch.setenv(key, value)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8"))
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["read", "/no/such/file.txt", "-o", "x.mp3", "--engine", "fake"], "", "No such file"),
        (["read", "-", "-o", "x.mp3", "--engine", "nope"], SHORT, "unknown engine"),
        (["read", "-", "-o", "x.mp3", "--engine", "fake", "--rate", "fast"], SHORT, "rate"),
        (["read", "-", "-o", "x.mp3", "--engine", "fake", "--voice", "nobody"], SHORT, "nobody"),
        (["read", "-", "-o", "x.mp3", "--engine", "fake"], "。。。\n", ""),
        (["sections", "/no/such/file.txt"], "", "No such file"),
    ],
)
def test_errors_are_one_line_and_exit_2(tmp_path, monkeypatch, capsys, args, stdin, message):
    code, _, err = run_main(args, tmp_path, monkeypatch, capsys, stdin)
    assert code == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bobao: error:") and message in lines[0], err


def test_cache_commands_report_json(tmp_path, monkeypatch, capsys):
    source = tmp_path / "short.txt"
    source.write_text(SHORT, encoding="utf-8")
    read = ["read", str(source), "-o", str(tmp_path / "o.mp3"), "--engine", "fake"]
    assert run_main(read, tmp_path, monkeypatch, capsys)[0] == 0
    stats = json.loads(run_main(["cache", "stats"], tmp_path, monkeypatch, capsys)[1])
    assert stats["entries"] == 6 and stats["total_bytes"] > 0
    code, out, _ = run_main(["cache", "verify"], tmp_path, monkeypatch, capsys)
    assert code == 0 and json.loads(out)["clean"] is True
    pruned = json.loads(run_main(["cache", "prune", "--max-bytes", "0"], tmp_path, monkeypatch, capsys)[1])
    assert pruned["removed_entries"] == 6
    assert json.loads(run_main(["cache", "stats"], tmp_path, monkeypatch, capsys)[1])["entries"] == 0


def test_cache_verify_reports_a_corrupt_clip(tmp_path, monkeypatch, capsys):
    source = tmp_path / "short.txt"
    source.write_text(SHORT, encoding="utf-8")
    read = ["read", str(source), "-o", str(tmp_path / "o.mp3"), "--engine", "fake"]
    assert run_main(read, tmp_path, monkeypatch, capsys)[0] == 0
    clip = next((tmp_path / "audio").rglob("*.mp3"))
    clip.write_bytes(clip.read_bytes()[:-144])
    code, out, _ = run_main(["cache", "verify"], tmp_path, monkeypatch, capsys)
    assert code == 1 and json.loads(out)["clean"] is False


def test_read_with_the_real_offline_voice(tmp_path):
    """End to end with Kokoro: real speech, decoded and measured; the second run is all cache hits."""
    source = tmp_path / "two.txt"
    source.write_text(TWO_SENTENCES, encoding="utf-8")
    out = tmp_path / "two.mp3"
    started = time.monotonic()
    first = bobao("read", str(source), "-o", str(out), "--engine", "offline", tmp_path=tmp_path, timeout=240)
    first_s = time.monotonic() - started
    assert first.returncode == 0, first.stderr
    assert _summary(first.stderr) == (2, 0)
    samples = decode_mp3(out.read_bytes())
    seconds = len(samples) / 24_000
    assert 1.5 < seconds < 12, seconds  # two short sentences: a few seconds of speech, not silence or minutes
    frames = samples[: len(samples) // 480 * 480].reshape(-1, 480)
    voiced = float(np.mean(np.sqrt(np.mean(frames**2, axis=1)) > 0.02))
    assert voiced > 0.4, voiced
    cues = parse_vtt(out.with_suffix(".vtt").read_text(encoding="utf-8"))
    assert [c[2] for c in cues] == ["今天天气很好。", "我们去公园散步。"]
    started = time.monotonic()
    second = bobao(
        "read", str(source), "-o", str(tmp_path / "again.mp3"), "--engine", "offline", tmp_path=tmp_path
    )
    second_s = time.monotonic() - started
    assert _summary(second.stderr) == (0, 2)
    assert second_s < first_s


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers or {}), timeout=10
        ) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError:
        return 0, b""


def test_serve_plays_the_sample_page(tmp_path):
    port = _free_port()
    env = {
        **_env(tmp_path),
        "BOBAO_TTS_ENGINE": "fake",
        "BOBAO_SERVER": "waitress",
        "BOBAO_DOCUMENT_DIR": str(tmp_path / "docs"),
    }
    with subprocess.Popen(
        [sys.executable, "-m", "web.cli", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as proc:
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            status, page = 0, b""
            while status != 200 and time.monotonic() < deadline:
                time.sleep(0.2)
                status, page = _get(base + "/")
            assert status == 200
            store = tmp_path / "docs"
            doc_ids = [p.name for p in store.iterdir() if re.fullmatch(r"[0-9a-f]{24}", p.name)]
            assert len(doc_ids) == 1 and doc_ids[0].encode() in page
            manifest: dict = {}
            while manifest.get("status") != "ready" and time.monotonic() < deadline + 120:
                time.sleep(0.3)
                manifest = json.loads(_get(f"{base}/api/documents/{doc_ids[0]}")[1] or b"{}")
            assert manifest["status"] == "ready"
            assert "江北区" in manifest["title"]
            status, body = _get(base + manifest["audio"]["mp3"], {"Range": "bytes=0-99"})
            assert status == 206 and len(body) == 100
        finally:
            proc.terminate()
            proc.wait(30)


def _user_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A newcomer's environment: no BOBAO_ folders set, HOME and the XDG folders under tmp_path."""
    folders = ("BOBAO_INSTANCE_PATH", "BOBAO_AUDIO_CACHE_DIR")
    env = {k: v for k, v in _env(tmp_path).items() if k not in folders}
    env.pop("XDG_RUNTIME_DIR", None)
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CACHE_HOME=str(tmp_path / "cache"), **extra)
    (tmp_path / "home").mkdir(exist_ok=True)
    return env


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if not p.is_dir()) if folder.exists() else []


def test_read_keeps_clips_in_the_user_cache_folder_and_writes_nothing_else(tmp_path):
    """The real offline voice: onnxruntime must not leave a device id under ~/.cache either."""
    env = _user_env(tmp_path)
    out = tmp_path / "out" / "hello.mp3"
    result = subprocess.run([sys.executable, "-m", "web.cli", "read", "-", "-o", str(out)], input="你好。\n",
                            capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    assert _files(tmp_path / "home") == []
    clips = _files(tmp_path / "cache" / "bobao" / "audio")
    assert any(p.suffix == ".mp3" for p in clips)
    outside = [p for p in _files(tmp_path) if not p.is_relative_to(tmp_path / "cache" / "bobao")
               and not p.is_relative_to(tmp_path / "data" / "bobao") and p.parent != out.parent]
    assert outside == []


def test_an_explicit_instance_folder_still_wins(tmp_path, monkeypatch):
    from web.cli import use_user_folders

    env = {"HOME": str(tmp_path), "BOBAO_INSTANCE_PATH": str(tmp_path / "mine")}
    use_user_folders(env)
    assert env == {"HOME": str(tmp_path), "BOBAO_INSTANCE_PATH": str(tmp_path / "mine")}
    data = tmp_path / "share" / "bobao"
    data.mkdir(parents=True)
    (data / "config.py").write_text(f"AUDIO_CACHE_DIR = {str(tmp_path / 'clips')!r}\n")
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "share")}
    use_user_folders(env)
    assert env["BOBAO_INSTANCE_PATH"] == str(data) and "BOBAO_AUDIO_CACHE_DIR" not in env


@pytest.mark.parametrize("server", ["gunicorn", "waitress"])
def test_sigterm_stops_serve_within_two_seconds_and_keeps_finished_work(tmp_path, server):
    port = _free_port()
    env = _user_env(tmp_path, BOBAO_TTS_ENGINE="slowfake", BOBAO_SERVER=server,
                    BOBAO_EXTRA_ENGINES="fake=tests.fakes:create,slowfake=tests.fakes:create_slow")
    documents = tmp_path / "data" / "bobao" / "documents"
    with subprocess.Popen([sys.executable, "-m", "web.cli", "serve", "--port", str(port)], env=env, cwd=ROOT,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as proc:
        try:
            deadline = time.monotonic() + 60
            done = 0
            while done < 3 and time.monotonic() < deadline:  # the demo page is being synthesized
                time.sleep(0.2)
                manifests = list(documents.glob("*/manifest.json"))
                done = json.loads(manifests[0].read_text())["progress"]["done"] if manifests else 0
            assert done >= 3
            started = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(10)
            assert time.monotonic() - started < 2.0
            assert code == 0, proc.stderr.read() if proc.stderr else ""
        finally:
            if proc.poll() is None:
                proc.kill()
    manifest = json.loads(next(documents.glob("*/manifest.json")).read_text())
    assert manifest["status"] == "synthesizing" and manifest["progress"]["done"] >= done
    assert _files(tmp_path / "home") == []  # no gunicorn control socket under ~/.gunicorn
    check = subprocess.run([sys.executable, "-m", "web.cli", "cache", "verify"], capture_output=True,
                           text=True, env=env, cwd=ROOT, timeout=60)
    report = json.loads(check.stdout)
    assert check.returncode == 0 and report["clean"], check.stdout
    assert report["checked"] >= done


def test_serve_refuses_to_start_with_a_corrupt_voice_file(tmp_path, monkeypatch, capsys):
    import shutil

    from audio.engines import kokoro_voices

    folder = tmp_path / "voices"
    shutil.copytree(Path(str(kokoro_voices.voice_folder())), folder)
    (folder / "zm_yunxi.bin").write_bytes(b"not a style")
    monkeypatch.setattr(kokoro_voices, "voice_folder", lambda: folder)
    for key, value in _env(tmp_path).items():
        if key.startswith("BOBAO_"):
            monkeypatch.setenv(key, value)
    monkeypatch.setenv("BOBAO_TTS_ENGINE", "offline")
    assert main(["serve", "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "zm_yunxi.bin" in err and "corrupt" in err and "serving on" not in err and "Traceback" not in err
