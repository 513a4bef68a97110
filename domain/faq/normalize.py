"""Vietnamese question normalisation: folding, dictionary expansion, typo repair, tokens."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA

from domain.text import fold, nfc

MAX_CHARS = 500
"""Questions are cut to this many characters before matching."""

_WORD = re.compile(r"[^\W_]+")
_LETTERS_DIGITS = re.compile(r"[^\W\d_]+|\d+")
_TELEX_DOUBLE = re.compile(r"([adeo])\1")
_TONE_KEYS = frozenset("sfrxj")
_VOWELS = frozenset("aeiouy")
_MAX_CORRECTIONS = 12


@dataclass(frozen=True)
class Dictionary:
    """Normalisation tables loaded from dictionary.yaml."""

    replacements: Mapping[tuple[str, ...], tuple[str, ...]]
    ambiguous: Mapping[str, tuple[str, ...]]
    accented: Mapping[str, tuple[str, ...]]
    stopwords: frozenset[str]
    stop_marks: frozenset[str] = frozenset()
    max_phrase: int = 1
    cues: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Per topic key, phrases that point to it when a resident describes a situation."""

    def is_stop(self, folded: str, mark: str | None) -> bool:
        """Tell whether a word is a stop word; accented words must match the accents too."""
        if mark is not None:
            return mark in self.stop_marks
        return folded in self.stopwords

    def surface_words(self) -> set[str]:
        """Return every folded word that may legitimately appear in typed text."""
        words: set[str] = set(self.stopwords)
        for key, value in self.replacements.items():
            words.update(key)
            words.update(value)
        for word, value in self.ambiguous.items():
            words.add(word)
            words.update(value)
        for values in self.accented.values():
            words.update(values)
        return words


def _phrase(text: object, where: str) -> tuple[str, ...]:
    """Split a dictionary entry into folded words."""
    if text is None:
        return ()
    if not isinstance(text, str | int):
        raise ValueError(f"dictionary {where}: expected text, got {text!r}")
    return tuple(fold(str(text)).split())


def _section(data: Mapping[str, object], name: str) -> Mapping[object, object]:
    """Return one mapping section of the dictionary file, empty when absent."""
    section = data.get(name) or {}
    if not isinstance(section, Mapping):
        raise ValueError(f"dictionary section {name!r} must be a mapping")
    return section


def _flatten(items: list[object]) -> list[object]:
    """Flatten one level of nested lists (stop words may be grouped in lines)."""
    flat: list[object] = []
    for item in items:
        flat.extend(item if isinstance(item, list) else [item])
    return flat


def load_dictionary(path: Path) -> Dictionary:
    """Load and validate dictionary.yaml."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, Mapping):
        raise ValueError(f"{path}: top level must be a mapping")
    replacements: dict[tuple[str, ...], tuple[str, ...]] = {}
    for name in ("abbreviations", "synonyms"):
        for key, value in _section(data, name).items():
            words = _phrase(key, name)
            if not words:
                raise ValueError(f"{path}: empty key in {name}")
            replacements[words] = _phrase(value, f"{name}.{key}")
    ambiguous: dict[str, tuple[str, ...]] = {}
    for key, value in _section(data, "ambiguous").items():
        words = _phrase(key, "ambiguous")
        if len(words) != 1:
            raise ValueError(f"{path}: ambiguous keys must be single words: {key!r}")
        ambiguous[words[0]] = _phrase(value, f"ambiguous.{key}")
    accented: dict[str, tuple[str, ...]] = {}
    for key, value in _section(data, "accented").items():
        accented[nfc(str(key)).lower().strip()] = _phrase(value, f"accented.{key}")
    stop_list = data.get("stopwords") or []
    if not isinstance(stop_list, list):
        raise ValueError(f"{path}: stopwords must be a list")
    stop_words = [nfc(str(word)).lower().strip() for word in _flatten(stop_list)]
    stopwords = frozenset(word for word in stop_words if fold(word) == word)
    stop_marks = frozenset(accent_key(word) for word in stop_words if fold(word) != word)
    longest = max((len(key) for key in replacements), default=1)
    longest = max(longest, *(len(key.split()) for key in accented), 1)
    cues: dict[str, tuple[str, ...]] = {}
    for key, phrases in _section(data, "cues").items():
        if not isinstance(phrases, list) or not all(isinstance(item, str) for item in phrases):
            raise ValueError(f"{path}: cues.{key} must be a list of phrases")
        cues[str(key)] = tuple(nfc(item).strip() for item in phrases if item.strip())
    return Dictionary(replacements, ambiguous, accented, stopwords, stop_marks, longest, cues)


def surface_vocabulary(texts: Iterable[str], dictionary: Dictionary) -> tuple[set[str], set[str]]:
    """Return the folded words of texts and their adjacent pairs ("mat khau").

    Dialect words that the dictionary rewrites are left out of the words.
    """
    words: set[str] = set()
    pairs: set[str] = set()
    for text in texts:
        typed = _WORD.findall(nfc(text).lower())
        folded = [fold(word) for word in typed]
        pairs.update(f"{a} {b}" for a, b in pairwise(folded))
        for word, plain in zip(typed, folded, strict=True):
            if word in dictionary.accented:
                continue
            if plain == word and plain in dictionary.ambiguous:
                continue
            words.add(plain)
    return words, pairs


def accent_key(token: str) -> str:
    """Return a key that ignores tone placement (hoà = hòa) but keeps the marks."""
    decomposed = unicodedata.normalize("NFD", token.lower())
    marks = sorted(ch for ch in decomposed if unicodedata.combining(ch))
    flag = "đ" if "đ" in token.lower() else ""
    return f"{fold(token)}|{''.join(marks)}{flag}"


def telex_candidate(token: str) -> str:
    """Undo Telex typing left in plain text ("dduwowcj" → "duoc"), without diacritics."""
    text = token.replace("w", "")
    text = _TELEX_DOUBLE.sub(r"\1", text)
    out: list[str] = []
    seen_vowel = False
    for ch in text:
        if seen_vowel and ch in _TONE_KEYS:
            continue
        seen_vowel = seen_vowel or ch in _VOWELS
        out.append(ch)
    return "".join(out)


@dataclass(frozen=True)
class Token:
    """One word: its folded form and, when typed with diacritics, its accent key."""

    folded: str
    mark: str | None = None
    ambiguous: bool = False
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Normalized:
    """A question after normalisation."""

    tokens: tuple[str, ...]
    content: tuple[str, ...]
    marks: frozenset[str] = field(default_factory=frozenset)
    content_marks: tuple[str | None, ...] = ()

    @property
    def text(self) -> str:
        """Content tokens joined by spaces."""
        return " ".join(self.content)


class Normalizer:
    """Turns raw text into folded, expanded content tokens."""

    def __init__(
        self,
        dictionary: Dictionary,
        vocabulary: Iterable[str] = (),
        pairs: Iterable[str] = (),
    ) -> None:
        """Keep the dictionary, the domain vocabulary and known word pairs used for typo repair."""
        self.dictionary = dictionary
        self.domain_vocabulary = frozenset(vocabulary)
        self.pairs = frozenset(pairs)
        self.known = frozenset(self.domain_vocabulary | dictionary.surface_words())
        self._choices = sorted(word for word in self.known if len(word) >= 2)
        self._repair = lru_cache(maxsize=4096)(self._repair_uncached)
        self._options = lru_cache(maxsize=4096)(self._closest)

    def with_vocabulary(self, vocabulary: Iterable[str], pairs: Iterable[str] = ()) -> Normalizer:
        """Return a normaliser that repairs typos towards this vocabulary and these word pairs."""
        return Normalizer(self.dictionary, vocabulary, pairs)

    def normalize(self, text: str) -> Normalized:
        """Normalise a question or an example phrasing."""
        raw = nfc(text[: MAX_CHARS * 2])[:MAX_CHARS].lower()
        words = _WORD.findall(raw)
        marks = frozenset(accent_key(word) for word in words if fold(word) != word)
        expanded = self._expand(self._typed_tokens(words))
        is_stop = self.dictionary.is_stop
        kept = [token for token in expanded if not is_stop(token.folded, token.mark)]
        return Normalized(
            tokens=tuple(token.folded for token in expanded),
            content=tuple(token.folded for token in kept),
            marks=marks,
            content_marks=tuple(token.mark for token in kept),
        )

    def _typed_tokens(self, words: list[str]) -> list[Token]:
        """Fold words, apply accented dialect entries and repair typos."""
        accented = self.dictionary.accented
        tokens: list[Token] = []
        corrections = 0
        index = 0
        while index < len(words):
            pair = f"{words[index]} {words[index + 1]}" if index + 1 < len(words) else ""
            if pair in accented:
                tokens.extend(Token(word) for word in accented[pair])
                index += 2
                continue
            word = words[index]
            index += 1
            if word in accented:
                tokens.extend(Token(part) for part in accented[word])
                continue
            folded = fold(word)
            mark = accent_key(word) if folded != word else None
            parts = self._split_mixed(folded)
            if len(parts) > 1:
                mark = None
            for part in parts:
                if part not in self.known and corrections < _MAX_CORRECTIONS and part.isalpha():
                    corrections += 1
                    fixed = self._repair(part, mark is not None)
                    if fixed == (part,):
                        tokens.append(Token(part, mark, options=self._options(part)))
                        continue
                    tokens.extend(Token(item, mark if len(fixed) == 1 else None) for item in fixed)
                    continue
                ambiguous = mark is None and part in self.dictionary.ambiguous
                tokens.append(Token(part, mark, ambiguous))
        return self._in_context(tokens)

    def _in_context(self, tokens: list[Token]) -> list[Token]:
        """Pick among equally close typo fixes the one that forms a known pair with a neighbour."""
        for index, token in enumerate(tokens):
            if not token.options:
                continue
            before = tokens[index - 1].folded if index else ""
            after = tokens[index + 1].folded if index + 1 < len(tokens) else ""
            fits = [
                option
                for option in token.options
                if option in self.domain_vocabulary
                and not self.dictionary.is_stop(option, None)
                and (f"{before} {option}" in self.pairs or f"{option} {after}" in self.pairs)
            ]
            if len(fits) == 1:
                tokens[index] = Token(fits[0], token.mark)
        return tokens

    def _split_mixed(self, folded: str) -> list[str]:
        """Split letter/digit mixes ("muc2" → "muc 2"), undoing VNI tone digits first."""
        if folded.isalpha() or folded.isdigit() or folded in self.known:
            return [folded]
        letters = "".join(ch for ch in folded if not ch.isdigit())
        if letters in self.known and folded[0].isalpha() and folded[-1].isalpha():
            return [letters]
        return _LETTERS_DIGITS.findall(folded)

    def _repair_uncached(self, word: str, marked: bool) -> tuple[str, ...]:
        """Fix one unknown word: Telex leftovers, joined words, then small typos."""
        if not marked:
            telex = telex_candidate(word)
            if telex != word and telex in self.known:
                return (telex,)
        joined = self._split_joined(word)
        if joined:
            return joined
        return (self._nearest(word),)

    def _split_joined(self, word: str) -> tuple[str, ...]:
        """Split run-together words ("matkhau" → "mat khau") using the vocabulary."""
        if len(word) < 5:
            return ()
        best: dict[int, tuple[str, ...]] = {0: ()}
        for end in range(1, len(word) + 1):
            for start in range(max(0, end - 7), end - 1):
                if start in best and word[start:end] in self.domain_vocabulary:
                    candidate = (*best[start], word[start:end])
                    if end not in best or len(candidate) < len(best[end]):
                        best[end] = candidate
        parts = best.get(len(word), ())
        return parts if 2 <= len(parts) <= 4 else ()

    def _closest(self, word: str) -> tuple[str, ...]:
        """Return the known words closest to a word within a small edit distance."""
        if len(word) < 4:
            return ()
        limit = 1 if len(word) < 8 else 2
        found = process.extract(
            word, self._choices, scorer=OSA.distance, score_cutoff=limit, limit=8
        )
        return tuple(str(choice) for choice, distance, _ in found if distance == found[0][1])

    def _nearest(self, word: str) -> str:
        """Return the closest known word within a small edit distance, if it is unambiguous."""
        closest = self._options(word)
        if not closest:
            return word
        table = self.dictionary.replacements
        meanings = {table.get((choice,), (choice,)) for choice in closest}
        if len(meanings) == 1:
            return closest[0]
        in_domain = [choice for choice in closest if choice in self.domain_vocabulary]
        return in_domain[0] if len(in_domain) == 1 else word

    def _expand(self, tokens: list[Token]) -> list[Token]:
        """Apply phrase replacements (longest first) and ambiguous single words."""
        table = self.dictionary.replacements
        longest = self.dictionary.max_phrase
        out: list[Token] = []
        index = 0
        while index < len(tokens):
            for size in range(min(longest, len(tokens) - index), 0, -1):
                key = tuple(token.folded for token in tokens[index : index + size])
                if key in table:
                    out.extend(Token(word) for word in table[key])
                    index += size
                    break
            else:
                token = tokens[index]
                index += 1
                if token.ambiguous:
                    if token.folded in self.domain_vocabulary:
                        out.append(token)
                    out.extend(Token(word) for word in self.dictionary.ambiguous[token.folded])
                else:
                    out.append(token)
        return out
