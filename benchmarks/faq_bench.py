"""Benchmark the FAQ matcher on tests/faq/eval_set.yaml against a plain rapidfuzz baseline.

Run from the repository root: python benchmarks/faq_bench.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from domain.faq.knowledge import load_knowledge  # noqa: E402
from domain.faq.matcher import FaqMatcher, MatchResult  # noqa: E402

FAQ_DIR = ROOT / "locales" / "faq"
EVAL_FILE = ROOT / "tests" / "faq" / "eval_set.yaml"
LATENCY_RUNS = 1000
BASELINE_CUTOFF = 80.0


def top_key(result: MatchResult) -> str | None:
    """Return the answered key, else the first suggestion."""
    if result.decision == "answer":
        return result.key
    return result.suggestions[0] if result.suggestions else None


def percentile(values: list[float], share: float) -> float:
    """Return the value below which `share` of the sorted values fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def evaluate(matcher: FaqMatcher, items: list[dict[str, Any]]) -> dict[str, float]:
    """Return top-1 accuracy, confident-answer rates and off-topic abstention."""
    on_topic = [item for item in items if item["key"] is not None]
    off_topic = [item for item in items if item["key"] is None]
    results = [(item["key"], matcher.match(item["q"])) for item in on_topic]
    return {
        "top1": sum(top_key(r) == key for key, r in results) / len(results),
        "answered_right": sum(r.decision == "answer" and r.key == key for key, r in results)
        / len(results),
        "answered_wrong": sum(r.decision == "answer" and r.key != key for key, r in results)
        / len(results),
        "abstention": sum(matcher.match(item["q"]).decision != "answer" for item in off_topic)
        / len(off_topic),
    }


def latency(matcher: FaqMatcher, questions: list[str]) -> dict[str, float]:
    """Return p50/p99 wall-clock and CPU latency in milliseconds over LATENCY_RUNS questions."""
    wall: list[float] = []
    cpu: list[float] = []
    for i in range(LATENCY_RUNS):
        question = questions[i % len(questions)]
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        matcher.match(question)
        wall.append((time.perf_counter() - start_wall) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return {
        "p50": statistics.median(wall),
        "p99": percentile(wall, 0.99),
        "cpu_p50": statistics.median(cpu),
        "cpu_p99": percentile(cpu, 0.99),
    }


def baseline(items: list[dict[str, Any]], scorer: Any = fuzz.WRatio) -> dict[str, float]:
    """Plain rapidfuzz: extractOne over the same titles and examples, lower-case only."""
    choices: list[str] = []
    owners: list[str] = []
    for entries in load_knowledge(FAQ_DIR).values():
        for entry in entries.values():
            for text in (entry.title, *entry.examples):
                choices.append(text.lower())
                owners.append(entry.key)
    on_topic = [item for item in items if item["key"] is not None]
    off_topic = [item for item in items if item["key"] is None]
    right = 0
    for item in on_topic:
        best = process.extractOne(item["q"].lower(), choices, scorer=scorer)
        right += best is not None and owners[best[2]] == item["key"]
    abstained = sum(
        process.extractOne(item["q"].lower(), choices, scorer=scorer, score_cutoff=BASELINE_CUTOFF)
        is None
        for item in off_topic
    )
    return {"top1": right / len(on_topic), "abstention": abstained / len(off_topic)}


def main() -> None:
    """Print the matcher's and the baseline's figures."""
    items: list[dict[str, Any]] = yaml.safe_load(EVAL_FILE.read_text(encoding="utf-8"))["items"]
    start = time.perf_counter()
    matcher = FaqMatcher.from_dir(FAQ_DIR)
    build_ms = (time.perf_counter() - start) * 1000
    on_count = sum(item["key"] is not None for item in items)
    print(f"eval set: {len(items)} questions ({on_count} on-topic, {len(items) - on_count} off)")
    print(f"index built in {build_ms:.0f} ms, {len(matcher.keys())} topics")
    scores = evaluate(matcher, items)
    print(f"matcher  top-1 accuracy (on-topic):   {scores['top1']:.1%}")
    print(f"matcher  confident and right:          {scores['answered_right']:.1%}")
    print(f"matcher  confident but wrong:          {scores['answered_wrong']:.1%}")
    print(f"matcher  off-topic abstention:         {scores['abstention']:.1%}")
    timing = latency(matcher, [item["q"] for item in items])
    print(
        f"latency over {LATENCY_RUNS} questions: p50 {timing['p50']:.2f} ms, "
        f"p99 {timing['p99']:.2f} ms (CPU p50 {timing['cpu_p50']:.2f} ms, "
        f"p99 {timing['cpu_p99']:.2f} ms)"
    )
    plain = baseline(items)
    print(f"baseline top-1 accuracy (extractOne, WRatio):   {plain['top1']:.1%}")
    print(
        f"baseline abstention (score < {BASELINE_CUTOFF:.0f}):           {plain['abstention']:.1%}"
    )
    sort = baseline(items, fuzz.token_sort_ratio)
    print(f"baseline top-1 accuracy (token_sort_ratio):     {sort['top1']:.1%}")
    print(
        f"baseline abstention (token_sort_ratio < {BASELINE_CUTOFF:.0f}): {sort['abstention']:.1%}"
    )
    print(f"gain in top-1 accuracy over WRatio baseline: {scores['top1'] - plain['top1']:+.1%}")


if __name__ == "__main__":
    main()
