"""Time `reader.locate_sentences` beside `read_html` on a large page the widget could send.

Run: python bench/locate.py
The page: 1,500 paragraphs (3,000 sentences) and a 500-row data table, every element numbered as
the widget numbers it (``data-bobao-n``), about 170,000 characters (the widget sends at most 190,000).
Printed: CPU seconds of this process for each step, and how many sentences got places.
"""

from __future__ import annotations

import itertools
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import reader  # noqa: E402


def page() -> str:
    paragraphs = "".join(f"<p>第{i}段：本市持续推进法治政府建设，各项工作取得新进展{i}。"
                         f"今年完成任务{i * 3}项。</p>" for i in range(1500))
    rows = "".join(f"<tr><td>{i}</td><td>项目{i}</td><td>{i * 10}万元</td></tr>" for i in range(500))
    html = (f"<html><head><title>大页面测试标题 - 政府网</title></head><body><h1>大页面测试标题</h1><article>"
            f"{paragraphs}<table><tr><th>序号</th><th>名称</th><th>金额</th></tr>{rows}</table></article></body></html>")
    numbers = itertools.count()
    return re.sub(r"<(?!/|!)(\w+)", lambda m: f'<{m.group(1)} {reader.INDEX_ATTR}="{next(numbers)}"', html)


def main() -> None:
    html = page()
    start = time.process_time()
    document = reader.read_html(html)
    read_s = time.process_time() - start
    start = time.process_time()
    where = reader.locate_sentences(html, document)
    locate_s = time.process_time() - start
    total = sum(1 for _ in document.sentences())
    print(f"page {len(html):,} chars, {total:,} sentences: read_html {read_s:.2f} s CPU, "  # noqa: T201
          f"locate_sentences {locate_s:.2f} s CPU, located {len(where):,}/{total:,}")


if __name__ == "__main__":
    main()
