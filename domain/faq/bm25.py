"""A small Okapi BM25 index over pre-tokenised documents."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence


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
