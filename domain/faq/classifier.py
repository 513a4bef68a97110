"""A linear topic classifier over character and word n-grams of normalised questions.

Each question is normalised (diacritics folded, teencode and dialect expanded, typos repaired) and
seen three ways: character 2-5-grams of all its words, word 1-2-grams of its content words, and
word 1-2-grams of the words as typed (diacritics kept, so that "thuê" and "thuế" differ when a
resident writes them).
A linear support-vector classifier trained on the topics' titles and examples, plus an "off-topic"
class, scores every topic; a softmax with a fitted temperature turns the scores into probabilities.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from domain.faq.normalize import MAX_CHARS, Normalized
from domain.text import nfc

OFF_TOPIC = "__off_topic__"
_WORD = re.compile(r"[^\W_]+")
"""The class of questions the bot must not answer."""


@dataclass(frozen=True)
class Views:
    """The three texts the classifier reads from one question."""

    chars: str
    """Every normalised token (diacritics folded), for character n-grams."""
    words: str
    """The normalised content words, for word n-grams."""
    accented: str
    """The words as typed (lower case, diacritics kept), for word n-grams: "lúa" is not "lừa"."""

    @classmethod
    def of(cls, norm: Normalized, text: str) -> Views:
        """Build the views of a question from its normalised form and the text as typed."""
        typed = " ".join(_WORD.findall(nfc(text[: MAX_CHARS * 2])[:MAX_CHARS].lower()))
        return cls(" ".join(norm.tokens), " ".join(norm.content), typed)


@dataclass(frozen=True)
class ClassifierSettings:
    """Hyper-parameters of the classifier (chosen by k-fold cross-validation, see docs/faq.md)."""

    char_ngrams: tuple[int, int] = (2, 5)
    word_ngrams: tuple[int, int] = (1, 2)
    regularisation: float = 1.0
    temperature: float = 0.15
    support_weight: float = 0.3
    """Weight of the answers' own lines as training material (examples and titles weigh 1)."""


class TopicClassifier:
    """Scores a normalised question against every label it was trained on."""

    def __init__(
        self,
        views: Sequence[Views],
        labels: Sequence[str],
        settings: ClassifierSettings | None = None,
        weights: Sequence[float] | None = None,
    ) -> None:
        """Fit the vectorisers and the linear model on the labelled views (optionally weighted)."""
        if len(views) != len(labels) or len(set(labels)) < 2:
            raise ValueError("the classifier needs at least two labels and one view per label")
        if weights is not None and len(weights) != len(labels):
            raise ValueError("one weight per view")
        self.settings = settings or ClassifierSettings()
        self._chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=self.settings.char_ngrams, sublinear_tf=True
        )
        self._words = _word_vectoriser(self.settings.word_ngrams)
        self._accented = _word_vectoriser(self.settings.word_ngrams)
        matrix = hstack(
            [
                self._chars.fit_transform([view.chars for view in views]),
                self._words.fit_transform([view.words for view in views]),
                self._accented.fit_transform([view.accented for view in views]),
            ]
        ).tocsr()
        self._model = LinearSVC(C=self.settings.regularisation)
        self._model.fit(
            matrix, list(labels), sample_weight=None if weights is None else list(weights)
        )
        self.labels: tuple[str, ...] = tuple(str(label) for label in self._model.classes_)
        self._weights = np.asarray(self._model.coef_, dtype=np.float64).T.copy()
        self._bias = np.asarray(self._model.intercept_, dtype=np.float64)
        self.vocabulary = frozenset(self._words.vocabulary_)

    def _features(self, views: Sequence[Views]) -> csr_matrix:
        """Return the sparse feature rows of some views."""
        return hstack(
            [
                self._chars.transform([view.chars for view in views]),
                self._words.transform([view.words for view in views]),
                self._accented.transform([view.accented for view in views]),
            ]
        ).tocsr()

    def scores(self, views: Sequence[Views]) -> NDArray[np.float64]:
        """Return the decision scores, one row per view and one column per label."""
        rows = self._features(views)
        result: NDArray[np.float64] = np.asarray(rows @ self._weights) + self._bias
        return result

    def probabilities(self, scores: NDArray[np.float64]) -> NDArray[np.float64]:
        """Turn decision scores into probabilities (softmax with the fitted temperature)."""
        return softmax(scores, self.settings.temperature)


def _word_vectoriser(ngrams: tuple[int, int]) -> TfidfVectorizer:
    """Return a TF-IDF vectoriser of word n-grams over space-separated tokens."""
    return TfidfVectorizer(
        analyzer="word", ngram_range=ngrams, sublinear_tf=True, token_pattern=r"\S+"
    )


def softmax(scores: NDArray[np.float64], temperature: float) -> NDArray[np.float64]:
    """Return the row-wise softmax of scores divided by a temperature."""
    scaled = np.atleast_2d(scores) / temperature
    scaled = scaled - scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    result: NDArray[np.float64] = exp / exp.sum(axis=1, keepdims=True)
    return result
