"""Held-out (k-fold) predictions over the knowledge base's own examples, and thresholds from them.

Every example is predicted by a matcher trained without it (stratified k folds), so the figures say
how the matcher does on phrasings it has not seen. The decision thresholds in `Tuning` are chosen
from these held-out predictions only: never from an evaluation set.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from sklearn.model_selection import StratifiedKFold

from domain.faq.classifier import OFF_TOPIC
from domain.faq.matcher import FaqMatcher, Tuning, decide, probabilities
from domain.faq.normalize import Dictionary


@dataclass(frozen=True)
class HeldOut:
    """One held-out phrasing: its true label and the labels' decision scores."""

    label: str
    scores: Mapping[str, float]


def out_of_fold(
    phrasings: Sequence[tuple[str, str]],
    off_topic: Sequence[str],
    dictionary: Dictionary,
    tuning: Tuning | None = None,
    *,
    support: Sequence[tuple[str, str]] = (),
    folds: int = 5,
    seed: int = 0,
) -> list[HeldOut]:
    """Return a held-out prediction for every phrasing and off-topic phrasing (k-fold).

    The `support` lines (the answers' own text) stay in every training fold; they are never held
    out, since only residents' phrasings are what the matcher must generalise to.
    """
    items = [(key, text) for key, text in phrasings] + [(OFF_TOPIC, text) for text in off_topic]
    labels = np.array([label for label, _ in items])
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    held: list[HeldOut | None] = [None] * len(items)
    for train, test in splitter.split(np.zeros(len(items)), labels):
        matcher = FaqMatcher(
            [items[i] for i in train if items[i][0] != OFF_TOPIC],
            dictionary,
            tuning,
            off_topic=[items[i][1] for i in train if items[i][0] == OFF_TOPIC],
            support=support,
        )
        for index in test:
            label, text = items[index]
            analysis = matcher.analyse(text)
            held[index] = HeldOut(label, analysis.scores)
    return [item for item in held if item is not None]


def fit_temperature(held: Sequence[HeldOut], grid: Sequence[float] | None = None) -> float:
    """Return the temperature that minimises the held-out negative log-likelihood."""
    candidates = grid or [round(0.05 * step, 2) for step in range(2, 41)]
    best, best_loss = candidates[0], math.inf
    for temperature in candidates:
        loss = 0.0
        for item in held:
            chance = probabilities(item.scores, temperature).get(item.label, 0.0)
            loss -= math.log(max(chance, 1e-12))
        if loss < best_loss:
            best, best_loss = temperature, loss
    return best


@dataclass(frozen=True)
class Outcome:
    """Held-out figures of one set of thresholds."""

    top1: float
    answered_right: float
    answered_wrong: float
    off_topic_answered: float
    off_topic_unknown: float


def evaluate(held: Sequence[HeldOut], tuning: Tuning) -> Outcome:
    """Apply the matcher's decision rule to held-out scores and measure it."""
    on = [item for item in held if item.label != OFF_TOPIC]
    off = [item for item in held if item.label == OFF_TOPIC]
    top1 = right = wrong = off_answered = off_unknown = 0
    for item in held:
        decision, key, suggestions, _ = decide(item.scores, tuning)
        first = key or (suggestions[0] if suggestions else None)
        if item.label == OFF_TOPIC:
            off_answered += decision == "answer"
            off_unknown += decision == "unknown"
            continue
        top1 += first == item.label
        right += decision == "answer" and key == item.label
        wrong += decision == "answer" and key != item.label
    return Outcome(
        top1=top1 / max(1, len(on)),
        answered_right=right / max(1, len(on)),
        answered_wrong=wrong / max(1, len(on)),
        off_topic_answered=off_answered / max(1, len(off)),
        off_topic_unknown=off_unknown / max(1, len(off)),
    )


def choose_answer_threshold(
    held: Sequence[HeldOut], tuning: Tuning, *, max_wrong: float, max_off_answered: float
) -> float:
    """Return the lowest answer threshold whose held-out wrong answers stay within the limits."""
    for step in range(20, 100):
        candidate = replace(tuning, answer=step / 100)
        outcome = evaluate(held, candidate)
        if outcome.answered_wrong <= max_wrong and outcome.off_topic_answered <= max_off_answered:
            return step / 100
    return 0.99
