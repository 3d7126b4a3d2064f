"""Pages per second for `reader` on 300 KB government-style pages, and page understanding on templates.

Run: python bench/extract.py [--seconds 5]
Two pages are built from the sample report's fixture (tests/reader/data/html/trs_jiangbei_report.html):

* typical: the report once, inside 300 KB of what real portal pages carry (inline scripts and
  styles, a mega-menu, link lists, footers);
* dense: the report's article repeated until the page is 300 KB of article text (a worst case).

For each, extraction alone (HTML → outline; the issue's target is ≥ 50 pages/s) and the full
`read_html` (plus sentence splitting and normalization) are printed, per wall-clock second and
per CPU second of this process (the second is the fair number on a shared, busy machine).

Then, on the template pages of tests/reader/data/templates/ (their expected outlines are in
outlines.json), title, heading and chrome-leak accuracy side by side with trafilatura and
newspaper4k, and extraction speed against trafilatura's in this process on the same pages.
The rivals are optional (``pip install trafilatura newspaper4k``); absent ones are skipped.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).parents[1]), str(Path(__file__).parent)]  # this checkout's reader first
import rivals  # noqa: E402 - the bench folder is not a package

import reader  # noqa: E402
from reader.decode import decode_bytes  # noqa: E402
from reader.extract import html_blocks  # noqa: E402
from reader.sections import build_outline  # noqa: E402

FIXTURE = Path(__file__).parents[1] / "tests" / "reader" / "data" / "html" / "trs_jiangbei_report.html"
TEMPLATES = Path(__file__).parents[1] / "tests" / "reader" / "data" / "templates"
TARGET_BYTES = 300 * 1024


def make_dense_page() -> bytes:
    """The fixture grown to 300 KB by repeating its article paragraphs."""
    page = FIXTURE.read_text(encoding="utf-8")
    start, end = page.index('id="zoom">') + len('id="zoom">'), page.index("<p>&nbsp;</p>")
    article = page[start:end]
    while len(page.encode()) < TARGET_BYTES:
        page = page.replace("<p>&nbsp;</p>", article + "<p>&nbsp;</p>", 1)
    return page.encode()


def make_typical_page() -> bytes:
    """The fixture once, padded to 300 KB with portal furniture that must all be skipped."""
    page = FIXTURE.read_text(encoding="utf-8")
    code = "".join(f"var c{i} = {{id: {i}, name: '栏目{i}', url: '/lm/{i}/'}};\n" for i in range(900))
    script = f"<script>{code}"
    rules = "".join(f".nav-{i} a {{ color: #c00; padding: {i % 9}px; }}\n" for i in range(900))
    style = f"<style>{rules}</style>"
    menu = "".join(f'<li><a href="/lm/{i}/">政务栏目{i}</a><ul><li><a href="/lm/{i}/a">子栏目甲</a></li>'
                   f'<li><a href="/lm/{i}/b">子栏目乙</a></li></ul></li>' for i in range(600))
    side = "".join(f'<li><a href="/news/{i}.html">江北区政务动态第{i}期工作简报</a>'
                   f'<span>2024-01-{i % 28 + 1:02d}</span></li>' for i in range(600))
    page = page.replace("</head>", script + "</script>" + style + "</head>", 1)
    page = page.replace('<div class="nav">', f'<div class="nav"><ul class="mega">{menu}</ul>', 1)
    sidebar = f'<div class="sidebar"><ul>{side}</ul></div>'
    page = page.replace('<div class="footer">', sidebar + '<div class="footer">', 1)
    links = "".join(f'<a href="http://site{i}.gov.cn/">友情链接{i}</a>' for i in range(60))
    filler = f'<div class="links">{links}</div>'
    while len(page.encode()) < TARGET_BYTES:
        page = page.replace("</body>", filler + "</body>", 1)
    return page.encode()


def rate(label: str, run: Callable[[], object], seconds: float, unit: str = "pages") -> float:
    """Run repeatedly for ``seconds``; print runs/s by wall clock and by this process's CPU time."""
    count, wall, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - wall < seconds:
        run()
        count += 1
    per_wall = count / (time.perf_counter() - wall)
    per_cpu = count / max(time.process_time() - cpu, 1e-9)
    print(f"{label:<36} {per_wall:7.1f} {unit}/s wall   {per_cpu:7.1f} {unit}/s CPU")
    return per_cpu


def bobao_extract(html: str) -> rivals.Extracted:
    doc = reader.read_html(html)
    headings = tuple(s.heading for s in doc.sections if s.heading)
    return rivals.Extracted(doc.title, headings, "\n".join(s.text for s in doc.sections))


def _compact(text: str) -> str:
    return "".join(text.split())


def accuracy(specs: dict[str, dict[str, Any]]) -> None:
    """Title right, expected headings marked as headings, pages with chrome read: per extractor."""
    extractors = {"bobao": bobao_extract, **rivals.available()}
    families = ", ".join(sorted({str(s["family"]) for s in specs.values()}))
    print(f"\ntemplate pages: {len(specs)} ({families})")
    print(f"{'':<14}{'titles':>10}{'headings':>14}{'chrome leaks':>18}")
    for name, extract in extractors.items():
        titles = heads = wanted_total = leaks = 0
        for page, spec in specs.items():
            got = extract(decode_bytes((TEMPLATES / page).read_bytes()))  # one page is GBK
            titles += _compact(got.title) == _compact(spec["title"])
            wanted = [_compact(text) for _, text in spec["headings"]]
            marked = {_compact(h) for h in got.headings or ()}
            heads += sum(h in marked for h in wanted)
            wanted_total += len(wanted)
            leaks += any(word in got.text for word in spec["never"])
        head_cell = "none marked" if got.headings is None else f"{heads}/{wanted_total}"
        print(f"{name:<14}{titles:>7}/{len(specs):<3}{head_cell:>14}{leaks:>10}/{len(specs)} pages")
    for name in sorted({"trafilatura", "newspaper4k"} - set(extractors)):
        print(f"{name:<14}not installed: skipped")


def speed_against_trafilatura(pages: list[str], seconds: float) -> None:
    """Both extractors in this process on the same pages, by CPU time."""
    if "trafilatura" not in rivals.available():
        print("trafilatura not installed: speed comparison skipped")
        return
    ours = rate("  bobao extract (every page once)", lambda: [build_outline(html_blocks(p)) for p in pages],
                seconds, "rounds")
    theirs = rate("  trafilatura.extract (same pages)", lambda: [rivals.trafilatura_text(p) for p in pages],
                  seconds, "rounds")
    verdict = "met" if ours >= 2 * theirs else "NOT met"
    print(f"  bobao is {ours / theirs:.1f}× trafilatura's speed (target ≥ 2×: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="time spent on each measurement")
    args = parser.parse_args()
    results = {}
    for name, page in (("typical", make_typical_page()), ("dense", make_dense_page())):
        text = page.decode()
        doc = reader.read_html(page)
        print(f"{name} page: {len(page) / 1024:.0f} KB, {sum(1 for _ in doc.sentences())} sentences, "
              f"{len(doc.sections)} sections")
        extract = lambda t=text: build_outline(html_blocks(t))  # noqa: E731 - a named benchmark body
        results[name] = rate("  extract (HTML → outline)", extract, args.seconds)
        rate("  read_html (+ segment + normalize)", lambda p=page: reader.read_html(p), args.seconds)
    verdict = "met" if results["typical"] >= 50 else "NOT met"
    print(f"target ≥ 50 pages/s (CPU) extraction on the typical 300 KB page: {verdict}")
    specs = {k: v for k, v in json.loads((TEMPLATES / "outlines.json").read_text(encoding="utf-8")).items()
             if not k.startswith("_")}
    accuracy(specs)
    templates = [decode_bytes((TEMPLATES / name).read_bytes()) for name in specs]
    print(f"\nspeed on the {len(templates)} template pages and the two 300 KB pages:")
    big = [make_typical_page().decode(), make_dense_page().decode()]
    speed_against_trafilatura(templates + big, args.seconds)


if __name__ == "__main__":
    main()
