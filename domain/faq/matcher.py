"""From a resident's question to an FAQ topic: answer, suggest ("did you mean"), or abstain.

A linear classifier (domain.faq.classifier) trained on the topics' titles and examples in every
language, plus phrasings the bot must not answer, gives each topic a probability. Cue phrases
from the dictionary (e.g. "xưng công an", "mất điện thoại") raise the safety topics when a resident
describes a situation. The thresholds were set on held-out folds of the knowledge base's own
examples (domain.faq.calibration), never on an evaluation set.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from domain.faq.classifier import OFF_TOPIC, ClassifierSettings, TopicClassifier, Views, softmax
from domain.faq.knowledge import (
    DEFAULT_PROVINCE,
    DICTIONARY_FILE,
    FaqEntry,
    load_knowledge,
    load_off_topic,
)
from domain.faq.language import LanguageGuesser
from domain.faq.normalize import (
    Dictionary,
    Normalized,
    Normalizer,
    load_dictionary,
    surface_vocabulary,
)

Decision = Literal["answer", "suggest", "unknown"]
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class MatchResult:
    """Outcome of matching one question.

    `language` is the language the question is written in ("vi", "en"), or None when unclear:
    answer in it whatever the chat's language.
    """

    decision: Decision
    key: str | None
    score: float
    suggestions: tuple[str, ...] = ()
    language: str | None = None


@dataclass(frozen=True)
class Analysis:
    """A normalised question and its labels' decision scores."""

    norm: Normalized
    scores: Mapping[str, float]


def probabilities(scores: Mapping[str, float], temperature: float) -> dict[str, float]:
    """Return the softmax of decision scores at a temperature (empty for no scores)."""
    if not scores:
        return {}
    labels = list(scores)
    values = softmax(np.array([scores[label] for label in labels]), temperature)[0]
    return {label: float(value) for label, value in zip(labels, values, strict=True)}


@dataclass(frozen=True)
class Tuning:
    """Decision thresholds on topic probabilities (see domain.faq.calibration and docs/faq.md)."""

    answer: float = 0.97
    """Answer when the best label is a topic with at least this probability (the lowest with at
    most 1 % of 5-fold held-out examples answered wrongly and 1 % of off-topic ones answered)."""
    suggest: float = 0.2
    """Otherwise suggest ("did you mean") topics when the best one has at least this probability."""
    suggest_ratio: float = 0.35
    """Suggest the topics whose probability is at least this share of the best topic's."""
    safety_topics: tuple[str, ...] = ("scam", "lost_phone")
    """Topics whose advice is harmless when given needlessly and costly when missed."""
    safety_answer: float = 0.85
    """The answer threshold of the safety topics (a resident describing a scam must get it);
    k-fold with it: 0.97 % of held-out examples answered wrongly, 0.9 % of off-topic answered."""
    cue_bonus: float = 0.6
    """Added to a topic's decision score when the question holds one of its cue phrases."""
    classifier: ClassifierSettings = field(default_factory=ClassifierSettings)


class _Model:
    """Everything built once from the phrasings; replaced as a whole when phrasings are added."""

    def __init__(
        self,
        phrasings: Sequence[tuple[str, str]],
        off_topic: Sequence[str],
        support: Sequence[tuple[str, str]],
        taught: Sequence[tuple[str, str]],
        base: Normalizer,
        settings: ClassifierSettings,
    ) -> None:
        """Normalise every phrasing and train the classifier (taught phrasings included)."""
        phrasings = [*phrasings, *taught]
        texts = [text for _, text in phrasings] + list(off_topic)
        vocabulary, pairs = surface_vocabulary(texts, base.dictionary)
        self.normalizer = base.with_vocabulary(vocabulary, pairs)
        labels = [key for key, _ in phrasings] + [OFF_TOPIC] * len(off_topic)
        weights = [1.0] * len(labels)
        self.keys = sorted({key for key, _ in phrasings})
        known = set(self.keys)
        for key, text in support:
            if key in known:
                texts.append(text)
                labels.append(key)
                weights.append(settings.support_weight)
        norms = [self.normalizer.normalize(text) for text in texts]
        self.classifier = TopicClassifier(
            [Views.of(norm, text) for norm, text in zip(norms, texts, strict=True)],
            labels,
            settings,
            weights,
        )
        self.columns = {label: index for index, label in enumerate(self.classifier.labels)}
        self.exact = _exact_table(
            [
                (key, " ".join(norm.content))
                for (key, _), norm in zip(phrasings, norms, strict=False)
            ]
        )
        self.taught = [
            (key, frozenset(self.normalizer.normalize(text).content)) for key, text in taught
        ]
        self.cues = [
            (self.normalizer.normalize(phrase).tokens, self.columns[key])
            for key, phrases in base.dictionary.cues.items()
            if key in self.columns
            for phrase in phrases
        ]


def _exact_table(phrasings: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Map each normalised phrasing to its topic, leaving out phrasings two topics share."""
    owners: dict[str, set[str]] = {}
    for key, text in phrasings:
        if text:
            owners.setdefault(text, set()).add(key)
    return {text: next(iter(keys)) for text, keys in owners.items() if len(keys) == 1}


def _taught_key(taught: Sequence[tuple[str, frozenset[str]]], words: frozenset[str]) -> str | None:
    """Return the topic of a taught phrasing that shares three quarters of its words both ways."""
    if len(words) < 2:
        return None
    for key, phrase in taught:
        shared = len(words & phrase)
        if phrase and shared >= 0.75 * len(words) and shared >= 0.75 * len(phrase):
            return key
    return None


def _holds(tokens: Sequence[str], words: Sequence[str]) -> bool:
    """Tell whether the words occur in order among the tokens, at most two tokens apart."""
    position = -1
    for word in words:
        window = tokens[position + 1 : position + 4] if position >= 0 else tokens
        try:
            offset = list(window).index(word)
        except ValueError:
            return False
        position = position + 1 + offset if position >= 0 else offset
    return True


class FaqMatcher:
    """Matches questions to topic keys with a trained classifier and calibrated thresholds."""

    def __init__(
        self,
        phrasings: Sequence[tuple[str, str]],
        dictionary: Dictionary,
        tuning: Tuning | None = None,
        *,
        off_topic: Sequence[str] = (),
        support: Sequence[tuple[str, str]] = (),
        language_samples: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        """Train on (key, text) phrasings and the off-topic phrasings the bot must not answer.

        `support` are (key, text) lines of the topics' answers: weaker training material that
        brings the topics' own vocabulary.
        """
        self.tuning = tuning or Tuning()
        self._base = Normalizer(dictionary)
        self._phrasings = list(phrasings)
        self._off_topic = tuple(off_topic)
        self._support = tuple(support)
        self._taught: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._stale = False
        samples = language_samples or {}
        self.languages = LanguageGuesser({lang: list(texts) for lang, texts in samples.items()})
        self._built = self._train()

    @classmethod
    def from_dir(
        cls, path: Path, tuning: Tuning | None = None, province: str | None = DEFAULT_PROVINCE
    ) -> FaqMatcher:
        """Build a matcher from locales/faq (national topics plus the province pack)."""
        return cls.from_knowledge(
            load_knowledge(path, province),
            load_dictionary(path / DICTIONARY_FILE),
            tuning,
            off_topic=load_off_topic(path),
        )

    @classmethod
    def from_knowledge(
        cls,
        knowledge: Mapping[str, Mapping[str, FaqEntry]],
        dictionary: Dictionary,
        tuning: Tuning | None = None,
        *,
        off_topic: Sequence[str] = (),
    ) -> FaqMatcher:
        """Build a matcher from loaded topics (per language): their titles and examples."""
        return cls(
            knowledge_phrasings(knowledge),
            dictionary,
            tuning,
            off_topic=off_topic,
            support=knowledge_support(knowledge),
            language_samples={
                lang: [text for entry in entries.values() for text in _texts(entry)]
                for lang, entries in knowledge.items()
            },
        )

    def copy(self) -> FaqMatcher:
        """Return a matcher that shares this one's trained model and learns phrasings of its own."""
        twin = object.__new__(FaqMatcher)
        twin.tuning, twin._base, twin.languages = self.tuning, self._base, self.languages
        twin._lock = threading.Lock()
        with self._lock:
            twin._phrasings, twin._off_topic = self._phrasings, self._off_topic
            twin._support, twin._taught = self._support, list(self._taught)
            twin._built, twin._stale = self._built, self._stale
        return twin

    def _train(self) -> _Model:
        """Train a model on the current phrasings."""
        return _Model(
            self._phrasings,
            self._off_topic,
            self._support,
            self._taught,
            self._base,
            self.tuning.classifier,
        )

    def keys(self) -> list[str]:
        """Return the known topic keys, sorted."""
        return list(self._built.keys)

    def add_phrasing(self, key: str, text: str) -> None:
        """Attach a new phrasing to an existing topic; it is used from the next match on.

        The model is retrained lazily, once, at the next match after any number of additions.
        A question that shares three quarters of its words with a taught phrasing (both ways)
        is answered with its topic: leaders teach the bot on purpose.
        """
        if key not in self._built.keys:
            raise KeyError(key)
        if not text.strip():
            return
        with self._lock:
            self._taught.append((key, text))
            self._stale = True

    @property
    def _model(self) -> _Model:
        """Return the model, retraining it once after phrasings were added."""
        if self._stale:
            with self._lock:
                if self._stale:
                    self._built = self._train()
                    self._stale = False
        return self._built

    def analyse(self, question: str) -> Analysis:
        """Normalise a question, score every label and measure how many of its words we know.

        A question without a known word of two letters or more (emoji, digits, one letter, another
        script) gets no scores at all.
        """
        model = self._model
        norm = model.normalizer.normalize(question)
        words = [word for word in norm.content if len(word) > 1 and word.isalpha()]
        if not any(word in model.classifier.vocabulary for word in words):
            return Analysis(norm, {})
        values = model.classifier.scores([Views.of(norm, question)])[0]
        for cue, column in model.cues:
            if _holds(norm.tokens, cue):
                values[column] += self.tuning.cue_bonus
        labels = model.classifier.labels
        scores = {labels[index]: float(value) for index, value in enumerate(values)}
        return Analysis(norm, scores)

    def probabilities(self, question: str) -> dict[str, float]:
        """Return every label's probability (empty when the question has no known word)."""
        return probabilities(self.analyse(question).scores, self.tuning.classifier.temperature)

    def match(self, question: str) -> MatchResult:
        """Decide whether to answer, suggest topics, or admit the question is unknown."""
        language = self.languages.guess(question[:2000])
        analysis = self.analyse(question)
        model = self._model
        known = model.exact.get(" ".join(analysis.norm.content)) or _taught_key(
            model.taught, frozenset(analysis.norm.content)
        )
        if known is not None and analysis.scores:
            return MatchResult("answer", known, 1.0, (), language)
        decision, key, suggestions, score = decide(analysis.scores, self.tuning)
        return MatchResult(decision, key, score, suggestions, language)


def decide(
    scores: Mapping[str, float], tuning: Tuning
) -> tuple[Decision, str | None, tuple[str, ...], float]:
    """Return (decision, answered key, suggested keys, best topic probability).

    Answer when the best label is a topic and at least `tuning.answer` likely; otherwise suggest
    the likeliest topics, or abstain.
    """
    chances = probabilities(scores, tuning.classifier.temperature)
    topics = sorted(
        ((value, key) for key, value in chances.items() if key != OFF_TOPIC),
        key=lambda item: (-item[0], item[1]),
    )
    if not topics:
        return "unknown", None, (), 0.0
    best, best_key = topics[0]
    threshold = tuning.safety_answer if best_key in tuning.safety_topics else tuning.answer
    if best > chances.get(OFF_TOPIC, 0.0) and best >= threshold:
        return "answer", best_key, (), best
    if best >= tuning.suggest:
        floor = best * tuning.suggest_ratio
        keys = tuple(key for value, key in topics[:MAX_SUGGESTIONS] if value >= floor)
        return "suggest", None, keys, best
    return "unknown", None, (), best


def _texts(entry: FaqEntry) -> tuple[str, ...]:
    """Return every text of a topic (for learning the language's words)."""
    return (entry.title, entry.answer, *entry.examples)


def knowledge_phrasings(knowledge: Mapping[str, Mapping[str, FaqEntry]]) -> list[tuple[str, str]]:
    """Return (key, text) for the title and every example of every topic in every language."""
    phrasings: list[tuple[str, str]] = []
    for entries in knowledge.values():
        for entry in entries.values():
            phrasings.append((entry.key, entry.title))
            phrasings.extend((entry.key, example) for example in entry.examples)
    return phrasings


def knowledge_support(knowledge: Mapping[str, Mapping[str, FaqEntry]]) -> list[tuple[str, str]]:
    """Return (key, line) for every line of every topic's answer in every language."""
    return [
        (entry.key, line.removeprefix("- ").strip())
        for entries in knowledge.values()
        for entry in entries.values()
        for line in entry.answer.splitlines()
        if line.strip()
    ]


def match_as_json(matcher: FaqMatcher, question: str) -> dict[str, object]:
    """Return a match as plain JSON data: key (or None), score rounded to 3, suggestions, language."""
    result = matcher.match(question)
    return {
        "key": result.key,
        "score": round(result.score, 3),
        "suggestions": list(result.suggestions),
        "language": result.language,
    }
