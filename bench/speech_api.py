"""What the ``speech-api`` engine adds to a site's speech server: decode, level and encode per clip.

    python bench/speech_api.py                 # a 5 s clip of Kokoro speech, every answer format
    python bench/speech_api.py --seconds 20    # a longer clip (the sentence repeated)

The server is the local stand-in of the tests (127.0.0.1), answering instantly with the same clip
converted by ffmpeg into each format, so the time measured is the engine's own: the HTTP round trip
over loopback, pydub's decode, the downmix, loudness levelling and the LAME encode to canonical MP3.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from audio import SpeechParams  # noqa: E402
from audio import get_engine  # noqa: E402
from audio import mp3  # noqa: E402
from audio.engines.offline import create as create_offline  # noqa: E402
from tests.audio.speech_server import FOREIGN  # noqa: E402
from tests.audio.speech_server import Answer  # noqa: E402
from tests.audio.speech_server import SpeechServer  # noqa: E402

SENTENCE = "各位市民，欢迎收听本网站的政务信息播报。"


def source_clip(seconds: float) -> bytes:
    """Kokoro speech repeated to about ``seconds`` (canonical MP3 frames join byte for byte)."""
    engine = create_offline()
    one = engine.synthesize(SENTENCE, SpeechParams(voice="zf_xiaobei")).mp3
    repeats = max(1, round(seconds * 1000 / mp3.duration_ms(one)))
    return one * repeats


def convert(source: bytes, options: list[str]) -> bytes:
    command = [mp3.ffmpeg_exe(), "-v", "error", "-f", "mp3", "-i", "pipe:0", *options, "pipe:1"]
    return subprocess.run(command, input=source, capture_output=True, check=True, timeout=300).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    source = source_clip(args.seconds)
    audio_s = mp3.duration_ms(source) / 1000
    print(f"clip: {audio_s:.2f} s of speech; median of {args.runs} runs per format\n")
    print("| answer format | bytes on the wire | engine time per clip | per second of audio |")
    print("|---|---|---|---|")
    with SpeechServer() as server:
        for name, (fmt, options, content_type) in FOREIGN.items():
            body = convert(source, options)
            server.answer = Answer(body, content_type)
            engine = get_engine("speech-api", url=server.url, voices="zf_xiaobei", response_format=fmt)
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                engine.synthesize(SENTENCE, SpeechParams(voice="zf_xiaobei"))
                times.append(time.perf_counter() - start)
            median = statistics.median(times)
            print(f"| {name} | {len(body):,} | {median * 1000:.0f} ms | {median / audio_s * 1000:.1f} ms |")


if __name__ == "__main__":
    main()
