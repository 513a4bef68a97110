"""Telling a Vietnamese question from an English one, with or without diacritics."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from domain.text import fold, nfc

VIETNAMESE = "vi"
ENGLISH = "en"

_WORD = re.compile(r"[^\W\d_]+")
_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?$"
)
_ENGLISH_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "i",
        "you",
        "he",
        "she",
        "we",
        "they",
        "my",
        "your",
        "our",
        "their",
        "me",
        "him",
        "her",
        "us",
        "them",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "can",
        "could",
        "will",
        "would",
        "should",
        "may",
        "might",
        "must",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "please",
        "help",
        "want",
        "need",
        "get",
        "got",
        "make",
        "find",
        "know",
        "tell",
        "and",
        "or",
        "but",
        "if",
        "then",
        "not",
        "no",
        "yes",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "from",
        "with",
        "by",
        "about",
        "into",
        "after",
        "before",
        "as",
        "so",
        "there",
        "here",
        "some",
        "any",
        "all",
        "every",
        "one",
        "two",
        "lost",
        "stolen",
        "phone",
        "card",
        "number",
        "code",
        "app",
        "account",
        "money",
    ]
)


def _plain_words(text: str, *, unaccented_only: bool = False) -> list[str]:
    """Return the lower-case words of a text without diacritics (optionally only unaccented ones)."""
    words = _WORD.findall(nfc(text).lower())
    return [fold(word) for word in words if not unaccented_only or fold(word) == word]


class LanguageGuesser:
    """Guesses whether a question is Vietnamese or English from the words it uses."""

    def __init__(self, samples: Mapping[str, Iterable[str]]) -> None:
        """Learn each language's words from sample texts (the knowledge base in each language).

        English samples quote Vietnamese menu names ("Quên mật khẩu"): their accented words are
        left out, so that "quen mat khau" still reads as Vietnamese.
        """
        vietnamese = {word for text in samples.get(VIETNAMESE, ()) for word in _plain_words(text)}
        english = {
            word
            for text in samples.get(ENGLISH, ())
            for word in _plain_words(text, unaccented_only=True)
        }
        english |= _ENGLISH_WORDS
        self._vietnamese_only = frozenset(
            word for word in vietnamese - english if _SYLLABLE.match(word)
        )
        self._english_only = frozenset(english - vietnamese)

    def guess(self, text: str) -> str | None:
        """Return "vi", "en", or None when the text gives no clear sign."""
        lowered = nfc(text).lower()
        if any(ch.isalpha() and fold(ch) != ch for ch in lowered):
            return VIETNAMESE
        english = vietnamese = 0.0
        for word in _plain_words(lowered):
            if word in self._english_only:
                english += 1
            elif word in self._vietnamese_only:
                vietnamese += 1
            elif len(word) > 2 and not _SYLLABLE.match(word):
                english += 0.5
        if english >= 1 and english > 2 * vietnamese:
            return ENGLISH
        if vietnamese >= 1 and vietnamese > english:
            return VIETNAMESE
        return None
