"""The FAQ matcher before issue 14 (BM25 over words and trigrams plus fuzzy matching): the baseline
that benchmarks/faq_bench.py measures in the same run as today's matcher."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz, process

from domain.faq.knowledge import DICTIONARY_FILE, FaqEntry, load_knowledge
from domain.faq.normalize import (
    Dictionary,
    Normalized,
    Normalizer,
    load_dictionary,
    surface_vocabulary,
)

Decision = Literal["answer", "suggest", "unknown"]


class Bm25:
    """BM25 scores of a query against every document, with precomputed term weights."""

    def __init__(self, docs: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        """Index the documents (each a sequence of terms)."""
        self.size = len(docs)
        self.saturation = k1 + 1
        lengths = [len(doc) for doc in docs]
        average = (sum(lengths) / self.size) if self.size else 1.0
        average = average or 1.0
        frequency: Counter[str] = Counter()
        for doc in docs:
            frequency.update(set(doc))
        self._idf = {term: self._inverse(count) for term, count in frequency.items()}
        self.unknown_idf = self._inverse(0)
        self.postings: dict[str, list[tuple[int, float]]] = {}
        for index, doc in enumerate(docs):
            norm = k1 * (1 - b + b * len(doc) / average)
            for term, count in Counter(doc).items():
                weight = self._idf[term] * count * (k1 + 1) / (count + norm)
                self.postings.setdefault(term, []).append((index, weight))

    def _inverse(self, count: int) -> float:
        """Return the BM25 inverse document frequency for a document count."""
        return math.log(1 + (self.size - count + 0.5) / (count + 0.5))

    def idf(self, term: str) -> float:
        """Return the idf of a term, the highest value when the term is unknown."""
        return self._idf.get(term, self.unknown_idf)

    def known(self, term: str) -> bool:
        """Tell whether any document holds the term."""
        return term in self._idf

    def scores(self, terms: Iterable[str]) -> dict[int, float]:
        """Return the score of every document that shares a term with the query."""
        totals: dict[int, float] = {}
        for term in set(terms):
            for index, weight in self.postings.get(term, ()):
                totals[index] = totals.get(index, 0.0) + weight
        return totals

    def ideal(self, terms: Iterable[str], unknown: float = 1.0) -> float:
        """Return the score of an average-length document holding each query term once.

        Terms no document holds count with the highest idf times `unknown`.
        """
        return sum(self._idf.get(term, self.unknown_idf * unknown) for term in set(terms))


@dataclass(frozen=True)
class MatchResult:
    """Outcome of matching one question."""

    decision: Decision
    key: str | None
    score: float
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Features:
    """Similarity of a question to one topic, each in 0..1."""

    word: float
    topic: float
    chars: float
    fuzzy: float
    accent: float


@dataclass(frozen=True)
class Tuning:
    """Weights and thresholds of the matcher."""

    word: float = 0.35
    topic: float = 0.3
    chars: float = 0.35
    fuzzy: float = 0.1
    accent: float = 0.08
    answer: float = 0.4
    margin: float = 0.08
    suggest: float = 0.3
    coverage: float = 0.55
    pair_coverage: float = 0.3
    suggest_ratio: float = 0.7
    strict_accents: bool = True
    unknown: float = 1.0

    def combine(self, features: Features) -> float:
        """Return the weighted confidence for one topic."""
        return (
            self.word * features.word
            + self.topic * features.topic
            + self.chars * features.chars
            + self.fuzzy * features.fuzzy
            + self.accent * features.accent
        )


@dataclass(frozen=True)
class Analysis:
    """A normalised question with its coverage and per-topic features."""

    norm: Normalized
    coverage: float
    features: Mapping[str, Features]


@dataclass(frozen=True)
class _Phrase:
    """One indexed phrasing (title or example) of a topic."""

    key: str
    norm: Normalized


def _word_terms(words: Sequence[str]) -> list[str]:
    """Return unigrams and adjacent bigrams; empty strings mark left-out words."""
    bigrams = (f"{a}_{b}" for a, b in pairwise(words) if a and b)
    return [*(word for word in words if word), *bigrams]


def _char_terms(words: Sequence[str]) -> list[str]:
    """Return character trigrams of each word, with word boundaries."""
    grams: list[str] = []
    for word in filter(None, words):
        padded = f"#{word}#"
        grams.extend(padded[i : i + 3] for i in range(max(1, len(padded) - 2)))
    return grams


class _Index:
    """Everything built once from the phrasings; replaced as a whole on updates."""

    def __init__(
        self,
        phrasings: Sequence[tuple[str, str]],
        base: Normalizer,
    ) -> None:
        """Normalise the phrasings and build the BM25 indexes."""
        vocabulary, pairs = surface_vocabulary((text for _, text in phrasings), base.dictionary)
        self.normalizer = base.with_vocabulary(vocabulary, pairs)
        normalised = (_Phrase(key, self.normalizer.normalize(text)) for key, text in phrasings)
        self.phrases = [phrase for phrase in normalised if phrase.norm.content]
        self.keys = sorted({key for key, _ in phrasings})
        self.words = Bm25([_word_terms(phrase.norm.content) for phrase in self.phrases])
        merged: dict[str, list[str]] = {key: [] for key in self.keys}
        grams: dict[str, list[str]] = {key: [] for key in self.keys}
        marks: dict[str, set[str]] = {key: set() for key in self.keys}
        accents: dict[str, set[str]] = {}
        for phrase in self.phrases:
            merged[phrase.key].extend(_word_terms(phrase.norm.content))
            grams[phrase.key].extend(_char_terms(phrase.norm.content))
            marks[phrase.key].update(phrase.norm.marks)
            for word, mark in zip(phrase.norm.content, phrase.norm.content_marks, strict=True):
                if mark is not None:
                    accents.setdefault(word, set()).add(mark)
        self.topics = Bm25([merged[key] for key in self.keys])
        self.chars = Bm25([grams[key] for key in self.keys])
        self.marks = {key: frozenset(value) for key, value in marks.items()}
        self.accents = {word: frozenset(value) for word, value in accents.items()}
        self.sorted_texts = [" ".join(sorted(phrase.norm.content)) for phrase in self.phrases]

    def compatible(self, word: str, mark: str | None) -> bool:
        """Tell whether a typed word can match the indexed word (same accents if both have them)."""
        if mark is None or word not in self.accents:
            return True
        return mark in self.accents[word]

    def best_per_key(self, scores: Mapping[int, float], ideal: float) -> dict[str, float]:
        """Return each topic's best document score, divided by the ideal score."""
        best: dict[str, float] = {}
        for doc, value in scores.items():
            key = self.phrases[doc].key
            best[key] = max(best.get(key, 0.0), min(1.0, value / ideal))
        return best

    def per_key(self, bm25: Bm25, terms: Sequence[str], ideal: float) -> dict[str, float]:
        """Return the score of each per-topic document, divided by the ideal score."""
        return {
            self.keys[doc]: min(1.0, value / ideal) for doc, value in bm25.scores(terms).items()
        }


class LexicalMatcher:
    """Ranks FAQ topics with BM25 over words and character trigrams plus fuzzy matching."""

    def __init__(
        self,
        phrasings: Sequence[tuple[str, str]],
        dictionary: Dictionary,
        tuning: Tuning | None = None,
    ) -> None:
        """Build the index from (key, text) phrasings."""
        self.tuning = tuning or Tuning()
        self._base = Normalizer(dictionary)
        self._built = _Index(list(phrasings), self._base)

    @classmethod
    def from_dir(cls, path: Path, tuning: Tuning | None = None) -> LexicalMatcher:
        """Build a matcher from locales/faq: titles and examples of every language."""
        return cls.from_knowledge(
            load_knowledge(path), load_dictionary(path / DICTIONARY_FILE), tuning
        )

    @classmethod
    def from_knowledge(
        cls,
        knowledge: Mapping[str, Mapping[str, FaqEntry]],
        dictionary: Dictionary,
        tuning: Tuning | None = None,
    ) -> LexicalMatcher:
        """Build a matcher from loaded topics (per language): their titles and examples."""
        phrasings: list[tuple[str, str]] = []
        for entries in knowledge.values():
            for entry in entries.values():
                phrasings.append((entry.key, entry.title))
                phrasings.extend((entry.key, example) for example in entry.examples)
        return cls(phrasings, dictionary, tuning)

    def keys(self) -> list[str]:
        """Return the known topic keys, sorted."""
        return list(self._built.keys)

    def analyse(self, question: str) -> Analysis:
        """Normalise a question and compute its features against every candidate topic."""
        index = self._built
        norm = index.normalizer.normalize(question)
        words = norm.content
        if not words:
            return Analysis(norm, 0.0, {})
        if self.tuning.strict_accents:
            usable = [
                word if index.compatible(word, mark) else ""
                for word, mark in zip(words, norm.content_marks, strict=True)
            ]
        else:
            usable = list(words)
        terms = _word_terms(usable)
        all_terms = _word_terms(words)
        unknown = self.tuning.unknown
        word_ideal = index.words.ideal(all_terms, unknown)
        best_word = index.best_per_key(index.words.scores(terms), word_ideal)
        char_ideal = index.chars.ideal(_char_terms(words), unknown) * index.chars.saturation
        best_char = index.per_key(index.chars, _char_terms(usable), char_ideal)
        topic_ideal = index.topics.ideal(all_terms, unknown) * index.topics.saturation
        topic = index.per_key(index.topics, terms, topic_ideal)
        best_fuzzy: dict[str, float] = {}
        query = " ".join(sorted(words))
        for _, value, doc in process.extract(
            query, index.sorted_texts, scorer=fuzz.ratio, limit=None, score_cutoff=50
        ):
            key = index.phrases[doc].key
            best_fuzzy[key] = max(best_fuzzy.get(key, 0.0), value / 100)
        features: dict[str, Features] = {}
        for key in set(best_word) | set(best_char) | set(best_fuzzy):
            accent = len(norm.marks & index.marks[key]) / len(norm.marks) if norm.marks else 0.0
            features[key] = Features(
                best_word.get(key, 0.0),
                topic.get(key, 0.0),
                best_char.get(key, 0.0),
                best_fuzzy.get(key, 0.0),
                accent,
            )
        return Analysis(norm, self._coverage(index, usable, words), features)

    def _coverage(self, index: _Index, usable: Sequence[str], words: Sequence[str]) -> float:
        """Return the idf-weighted share of the question's words and word pairs the index knows."""
        bm25 = index.words
        pair_weight = self.tuning.pair_coverage
        known = total = 0.0
        for term in _word_terms(words):
            weight = bm25.idf(term) * (pair_weight if "_" in term else 1.0)
            total += weight
        for term in _word_terms(usable):
            if bm25.known(term):
                known += bm25.idf(term) * (pair_weight if "_" in term else 1.0)
        return known / total if total else 0.0

    def _ranked(self, analysis: Analysis) -> list[tuple[str, float]]:
        """Combine the features of an analysis into sorted confidences."""
        combine = self.tuning.combine
        raw = sorted(
            ((combine(value), key) for key, value in analysis.features.items()),
            key=lambda item: (-item[0], item[1]),
        )
        return [(key, min(1.0, value)) for value, key in raw]

    def match(self, question: str) -> MatchResult:
        """Decide whether to answer, suggest topics, or admit the question is unknown."""
        analysis = self.analyse(question)
        ranked = self._ranked(analysis)
        if not ranked:
            return MatchResult("unknown", None, 0.0, ())
        tuning = self.tuning
        best_key, best = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        if (
            best >= tuning.answer
            and best - second >= tuning.margin
            and analysis.coverage >= tuning.coverage
        ):
            return MatchResult("answer", best_key, best, ())
        if best >= tuning.suggest:
            floor = best * tuning.suggest_ratio
            keys = tuple(key for key, value in ranked[:3] if value >= floor)
            return MatchResult("suggest", None, best, keys)
        return MatchResult("unknown", None, best, ())
