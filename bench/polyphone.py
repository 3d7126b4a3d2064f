"""Polyphone accuracy and time per sentence: Bobao's G2P against plain jieba + pypinyin.

Run: ``python bench/polyphone.py [cases.tsv]`` (default: ``tests/audio/data/polyphone_cases.tsv``).
Both sides read the same sentences; accuracy counts the case's character only. Time is CPU time per
sentence (best of three passes, after a warm-up), so other load on the machine does not count.
Plain means misaki's v1.0 path before issue 12: jieba words, pypinyin per word, no lexicon.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGE = ROOT / "web" / "demo" / "jiangbei-2023-fazhi-report.txt"
CASES = ROOT / "tests" / "audio" / "data" / "polyphone_cases.tsv"
Reader = Callable[[str], list[str | None]]


def load_cases(path: Path) -> list[tuple[str, int, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            sentence, index, pinyin = line.split("\t")[:3]
            rows.append((sentence, int(index), pinyin.strip()))
    return rows


def plain_reader() -> Reader:
    import jieba
    from pypinyin import Style
    from pypinyin import lazy_pinyin

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()

    def read(sentence: str) -> list[str | None]:
        return [s for word in jieba.lcut(sentence)
                for s in lazy_pinyin(word, style=Style.TONE3, neutral_tone_with_five=True)]

    return read


def bobao_reader() -> Reader:
    from pypinyin.contrib.tone_convert import to_tone3

    from audio.lexicon import Lexicon
    from audio.ruby import ruby

    lexicon = Lexicon.default()

    def read(sentence: str) -> list[str | None]:
        readings = ruby(sentence, lexicon)
        return [None if r is None else to_tone3(r, neutral_tone_with_five=True) for r in readings]

    return read


def measure(read: Reader, cases: list[tuple[str, int, str]]) -> tuple[float, float, list[str]]:
    """Accuracy, CPU milliseconds per sentence, and the failures."""
    failures = []
    for sentence, index, gold in cases:
        got = read(sentence)
        said = got[index] if len(got) == len(sentence) else "?"
        if said != gold:
            failures.append(f"{sentence}[{index}] {sentence[index]}: {said} ≠ {gold}")
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        for sentence, _, _ in cases:
            read(sentence)
        best = min(best, time.process_time() - start)
    return 1 - len(failures) / len(cases), best * 1000 / len(cases), failures


def cpu_ms_per_sentence(read: Reader, sentences: list[str]) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        for sentence in sentences:
            read(sentence)
        best = min(best, time.process_time() - start)
    return best * 1000 / len(sentences)


def main(argv: list[str]) -> None:
    cases = load_cases(Path(argv[1]) if len(argv) > 1 else CASES)
    chars = sum(len(s) for s, _, _ in cases) / len(cases)
    covered = len({s[i] for s, i, _ in cases})
    print(f"{len(cases)} cases over {covered} characters, {chars:.1f} chars a sentence")
    page = [s for s in PAGE.read_text("utf-8").replace("\n", "。").split("。") if s.strip()]
    page_chars = sum(len(s) for s in page) / len(page)
    print(f"{'reader':<22}{'accuracy':>10}{'ms/case':>10}{f'ms/page sentence ({page_chars:.0f} chars)':>34}")
    results = {}
    for name, make in (("jieba + pypinyin", plain_reader), ("bobao G2P", bobao_reader)):
        read = make()
        accuracy, ms, failures = measure(read, cases)
        results[name] = failures
        print(f"{name:<22}{accuracy:>10.1%}{ms:>10.2f}{cpu_ms_per_sentence(read, page):>34.2f}")
    print("\nbobao G2P failures:")
    for failure in results["bobao G2P"]:
        print("  " + failure)


if __name__ == "__main__":
    main(sys.argv)
