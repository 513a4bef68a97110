"""Benchmark the FAQ matcher against the pre-issue-14 lexical matcher, in the same run.

Run from the repository root: python benchmarks/faq_bench.py [--province da_nang] [--folds 5]

Prints, separately:
- the in-sample figure (tests/faq/eval_set.yaml, written by us alongside the knowledge base);
- k-fold accuracy over the knowledge base's own examples (each predicted by a model trained
  without it; the answer thresholds were chosen on these held-out predictions);
- the independent evaluation set (tests/faq/independent_eval.yaml, written by someone who never read
  the knowledge base): aggregate figures only, overall and per style. Its questions are never
  printed, trained on or tuned to.
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.faq_baseline import LexicalMatcher  # noqa: E402
from domain.faq import calibration  # noqa: E402
from domain.faq.courtesy import small_talk, wordless  # noqa: E402
from domain.faq.knowledge import (  # noqa: E402
    DEFAULT_PROVINCE,
    DICTIONARY_FILE,
    load_knowledge,
    load_off_topic,
)
from domain.faq.matcher import FaqMatcher, knowledge_phrasings, knowledge_support  # noqa: E402
from domain.faq.normalize import load_dictionary  # noqa: E402
from domain.text import fold  # noqa: E402

FAQ_DIR = ROOT / "locales" / "faq"
IN_SAMPLE_FILE = ROOT / "tests" / "faq" / "eval_set.yaml"
INDEPENDENT_FILE = ROOT / "tests" / "faq" / "independent_eval.yaml"
LATENCY_RUNS = 1000


class Result(Protocol):
    """What both matchers return."""

    decision: str
    key: str | None
    suggestions: tuple[str, ...]


Matcher = Callable[[str], Result]


@dataclass(frozen=True)
class Figures:
    """Aggregate figures of one matcher on one set of questions."""

    questions: int
    on_topic: int
    top1: float
    answered_right: float
    confidently_wrong: float
    abstention: float
    off_topic_unknown: float


def first_key(result: Result) -> str | None:
    """Return the answered key, else the first suggestion ("did you mean")."""
    if result.decision == "answer":
        return result.key
    return result.suggestions[0] if result.suggestions else None


def share(count: int, total: int) -> float:
    """Return count/total, 0 for an empty total."""
    return count / total if total else 0.0


def measure(match: Matcher, items: Sequence[dict[str, Any]]) -> Figures:
    """Return top-1, confident answers right/wrong and off-topic abstention over the items.

    "Confidently wrong" is an answer (not a "did you mean") with the wrong topic, over on-topic
    questions; "abstention" is the share of off-topic questions that get no answer.
    """
    on = [item for item in items if item["key"] is not None]
    off = [item for item in items if item["key"] is None]
    top1 = right = wrong = 0
    for item in on:
        result = match(item["q"])
        top1 += first_key(result) == item["key"]
        right += result.decision == "answer" and result.key == item["key"]
        wrong += result.decision == "answer" and result.key != item["key"]
    off_results = [match(item["q"]) for item in off]
    return Figures(
        questions=len(items),
        on_topic=len(on),
        top1=share(top1, len(on)),
        answered_right=share(right, len(on)),
        confidently_wrong=share(wrong, len(on)),
        abstention=share(sum(r.decision != "answer" for r in off_results), len(off)),
        off_topic_unknown=share(sum(r.decision == "unknown" for r in off_results), len(off)),
    )


def latency(match: Matcher, questions: Sequence[str]) -> tuple[float, float, float, float]:
    """Return p50/p99 wall-clock and CPU latency in milliseconds over LATENCY_RUNS questions."""
    wall: list[float] = []
    cpu: list[float] = []
    for index in range(LATENCY_RUNS):
        question = questions[index % len(questions)]
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        match(question)
        wall.append((time.perf_counter() - start_wall) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return (
        statistics.median(wall),
        percentile(wall, 0.99),
        statistics.median(cpu),
        percentile(cpu, 0.99),
    )


def percentile(values: list[float], part: float) -> float:
    """Return the value below which `part` of the sorted values fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(part * len(ordered)))]


def line(name: str, figures: Figures) -> str:
    """Format one matcher's figures on one line."""
    return (
        f"  {name:<9} top-1 {figures.top1:6.1%}  answered right {figures.answered_right:6.1%}  "
        f"confidently wrong {figures.confidently_wrong:5.1%}  "
        f"off-topic abstention {figures.abstention:6.1%} (no suggestion {figures.off_topic_unknown:6.1%})"
    )


def build(province: str) -> tuple[FaqMatcher, float, float, float]:
    """Build today's matcher; return it with build seconds, traced peak MiB and RSS growth MiB."""
    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    matcher = FaqMatcher.from_dir(FAQ_DIR, province=province)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return matcher, seconds, peak / 2**20, (rss_after - rss_before) / 1024


def load_items(path: Path) -> list[dict[str, Any]]:
    """Load an evaluation file's items."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items: list[dict[str, Any]] = data["items"] if isinstance(data, dict) else data
    return items


def k_fold(province: str, folds: int) -> None:
    """Print held-out figures over the knowledge base's own examples."""
    knowledge = load_knowledge(FAQ_DIR, province)
    dictionary = load_dictionary(FAQ_DIR / DICTIONARY_FILE)
    phrasings = knowledge_phrasings(knowledge)
    off_topic = load_off_topic(FAQ_DIR)
    started = time.perf_counter()
    held = calibration.out_of_fold(
        phrasings, off_topic, dictionary, support=knowledge_support(knowledge), folds=folds
    )
    outcome = calibration.evaluate(held, FaqMatcher.from_dir(FAQ_DIR, province=province).tuning)
    print(
        f"\n{folds}-fold over the knowledge base's own examples "
        f"({len(phrasings)} phrasings, {len(off_topic)} off-topic; {time.perf_counter() - started:.0f} s)"
    )
    print(
        f"  matcher   top-1 {outcome.top1:6.1%}  answered right {outcome.answered_right:6.1%}  "
        f"confidently wrong {outcome.answered_wrong:5.1%}  "
        f"off-topic answered {outcome.off_topic_answered:5.1%} (no suggestion {outcome.off_topic_unknown:6.1%})"
    )
    print(f"  temperature fitted on held-out scores: {calibration.fit_temperature(held):.2f}")


def independent(matcher: FaqMatcher, baseline: LexicalMatcher) -> None:
    """Print aggregate figures on the independent evaluation set, overall and per style."""
    if not INDEPENDENT_FILE.is_file():
        print(f"\nindependent set: {INDEPENDENT_FILE.name} not found")
        return
    items = load_items(INDEPENDENT_FILE)
    on_count = sum(item["key"] is not None for item in items)
    print(
        f"\nindependent set ({INDEPENDENT_FILE.name}): {len(items)} questions, "
        f"{on_count} on-topic, {len(items) - on_count} off-topic"
    )
    ours, theirs = measure(matcher.match, items), measure(baseline.match, items)
    print(line("matcher", ours))
    print(line("baseline", theirs))
    questions = [item["q"] for item in items]
    for name, match in (("matcher", matcher.match), ("baseline", baseline.match)):
        p50, p99, cpu50, cpu99 = latency(match, questions)
        print(
            f"  {name:<9} latency over {LATENCY_RUNS} questions: p50 {p50:.2f} ms, p99 {p99:.2f} ms "
            f"(CPU p50 {cpu50:.2f} ms, p99 {cpu99:.2f} ms)"
        )
    print("  per style (matcher | baseline):")
    for style in sorted({str(item.get("style", "-")) for item in items}):
        chosen = [item for item in items if str(item.get("style", "-")) == style]
        a, b = measure(matcher.match, chosen), measure(baseline.match, chosen)
        on = sum(item["key"] is not None for item in chosen)
        if on:
            print(
                f"    {style:<14} n={len(chosen):<3} top-1 {a.top1:6.1%} | {b.top1:6.1%}   "
                f"confidently wrong {a.confidently_wrong:5.1%} | {b.confidently_wrong:5.1%}"
            )
        if len(chosen) - on:
            print(
                f"    {style:<14} n={len(chosen) - on:<3} off-topic abstention "
                f"{a.abstention:6.1%} | {b.abstention:6.1%}"
            )
    accented = [
        item for item in items if item["key"] is not None and fold(item["q"]) != item["q"].lower()
    ]
    if accented:
        plain = [{**item, "q": fold(item["q"])} for item in accented]
        with_marks, without = measure(matcher.match, accented), measure(matcher.match, plain)
        print(
            f"  with diacritics vs the same questions folded ({len(accented)} on-topic): "
            f"top-1 {with_marks.top1:6.1%} vs {without.top1:6.1%}, "
            f"confidently wrong {with_marks.confidently_wrong:5.1%} vs {without.confidently_wrong:5.1%}"
        )


def import_cost(statement: str) -> float:
    """Return the seconds a fresh interpreter spends on an import statement (start-up excluded)."""
    runs = []
    for code in (statement, "pass"):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        runs.append(time.perf_counter() - started)
    return runs[0] - runs[1]


def conversation_layer() -> None:
    """Print how many evaluation questions the handlers' small-talk and no-words checks take.

    They run before the matcher (handlers/faq/answers.py): an on-topic question they take never
    reaches it, so the figure must be 0; off-topic ones they take are answered kindly instead.
    """
    print("\nconversation layer (greetings, thanks, messages without words; before the matcher):")
    for path in (IN_SAMPLE_FILE, INDEPENDENT_FILE):
        if not path.is_file():
            continue
        items = load_items(path)
        taken = [item for item in items if small_talk(item["q"]) or wordless(item["q"])]
        on = sum(item["key"] is not None for item in taken)
        print(
            f"  {path.name}: on-topic questions taken {on} of "
            f"{sum(item['key'] is not None for item in items)}, off-topic taken "
            f"{len(taken) - on} of {sum(item['key'] is None for item in items)}"
        )


def main() -> None:
    """Print every figure of the FAQ matchers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", default=DEFAULT_PROVINCE)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    import_seconds = import_cost("import sklearn.svm, sklearn.feature_extraction.text")
    matcher, seconds, traced, rss = build(args.province)
    started = time.perf_counter()
    baseline = LexicalMatcher.from_knowledge(
        load_knowledge(FAQ_DIR, args.province), load_dictionary(FAQ_DIR / DICTIONARY_FILE)
    )
    baseline_seconds = time.perf_counter() - started
    print(
        f"province {args.province}: {len(matcher.keys())} topics; matcher built in {seconds:.2f} s "
        f"(scikit-learn import {import_seconds:.2f} s), traced peak {traced:.0f} MiB, "
        f"RSS growth {rss:.0f} MiB; baseline built in {baseline_seconds:.2f} s"
    )
    in_sample = load_items(IN_SAMPLE_FILE)
    print(f"\nin-sample set ({IN_SAMPLE_FILE.name}, {len(in_sample)} questions):")
    print(line("matcher", measure(matcher.match, in_sample)))
    print(line("baseline", measure(baseline.match, in_sample)))
    k_fold(args.province, args.folds)
    independent(matcher, baseline)
    conversation_layer()


if __name__ == "__main__":
    main()
