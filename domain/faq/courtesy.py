"""Small talk and forms of address: "alo", "cháu ơi", "cảm ơn cháu", and "bác muốn hỏi…".

Pure text rules, no I/O. `small_talk` tells a greeting or a thanks that carries no question
(so it is answered kindly and never stored as an unanswered question); `self_address` finds how a
resident calls themselves ("bác", "cô", "chú"…) so that replies can call them the same way;
`address` puts that word in place of the default "anh/chị" of a Vietnamese text.
"""

from __future__ import annotations

import re
from enum import StrEnum

from domain.text import fold, nfc

MAX_SMALL_TALK_WORDS = 10


class SmallTalk(StrEnum):
    """What a message without a question is."""

    GREETING = "greeting"
    THANKS = "thanks"
    OK = "ok"  # "ok", "vâng", "được rồi", "tạm biệt": an acknowledgement or a goodbye


# Folded phrases, longest first when matched. Each message word must belong to one of them.
_GREETINGS = (
    "xin chao", "chao", "alo", "allo", "a lo", "hello", "helo", "hi", "hey", "good morning",
    "good afternoon", "good evening", "co ai khong", "co ai o do khong", "co ai do khong",
)  # fmt: skip
_THANKS = ("cam on", "camon", "thanks", "thank you", "thank", "thx", "tks")
_OK = (
    "ok", "oke", "okay", "vang", "da vang", "duoc roi", "hieu roi", "biet roi", "tot qua",
    "hay qua", "tam biet", "bye", "goodbye",
)  # fmt: skip
# Words that may surround a greeting or thanks: how people call the bot, particles, intensifiers.
_FILLERS = (
    "oi", "a", "da", "nhe", "nha", "nhen", "ne", "nhi", "ha", "nhieu", "lam", "rat",
    "chau", "con", "em", "ban", "bot", "ad", "admin", "tro ly", "anh", "chi", "co", "chu", "bac",
    "ong", "ba", "di", "cau", "moi nguoi", "mn", "ca nha", "to cong nghe so", "tui", "toi",
    "minh", "so much", "very much", "you", "there", "everyone", "all",
)  # fmt: skip


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_ENGLISH = _word_set(
    "hello helo hi hey good morning afternoon evening thanks thank thx tks okay bye goodbye you "
    "there everyone all so much very"
)
_VIETNAMESE = _word_set("xin chao alo allo cam on camon vang duoc roi hieu biet tam oi")
_WORD = re.compile(r"[^\W_]+")


def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted(set(phrases), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in ordered) + r")\b")


_GREETING_RE = _phrase_pattern(_GREETINGS)
_THANKS_RE = _phrase_pattern(_THANKS)
_OK_RE = _phrase_pattern(_OK)
_FILLER_RE = _phrase_pattern(_FILLERS)


def small_talk(text: str) -> SmallTalk | None:
    """Return what a message without a question is (greeting, thanks, ok), else None."""
    words = _WORD.findall(fold(text))
    if not words or len(words) > MAX_SMALL_TALK_WORDS:
        return None
    flat = " ".join(words)
    rest = flat
    for pattern in (_THANKS_RE, _OK_RE, _GREETING_RE, _FILLER_RE):
        rest = pattern.sub(" ", rest)
    if rest.strip():
        return None
    if _THANKS_RE.search(flat):
        return SmallTalk.THANKS
    if _OK_RE.search(flat):
        return SmallTalk.OK
    greeting = _GREETING_RE.search(flat) is not None
    if greeting or "oi" in words:  # "cháu ơi", "bot ơi": calling the bot is a greeting
        return SmallTalk.GREETING
    return None


def small_talk_language(text: str) -> str | None:
    """Return "en" or "vi" when the small talk's words say which, else None ("ok")."""
    words = set(_WORD.findall(fold(text)))
    if words & _VIETNAMESE or any(ord(ch) > 0x7F for ch in text if ch.isalpha()):
        return "vi"
    if words & _ENGLISH:
        return "en"
    return None


# How residents call themselves, and the verbs or requests that show the word is the speaker.
_TERMS = ("bác", "cô", "chú", "ông", "bà", "anh", "chị")
_UNACCENTED_TERMS = {"bac": "bác", "ong": "ông"}  # the others fold onto common words (có, chữ…)
_SPEAKER_VERBS = _word_set(
    "muon can hoi khong ko k hong hok chua dang bi co moi lam cai quen di duoc dc xin nho da "
    "vua tinh gia thay doi biet dung xai mat gui nhan tai ky mo vao"
)
_REQUESTS = _word_set("cho giup chi nho bay huong")  # "cho bác hỏi", "chỉ bác với"


def self_address(text: str) -> str | None:
    """Return how the writer calls themselves ("bác", "cô"…) when the message shows it, else None.

    Only clear cases: the word starts a clause and a verb follows ("bác muốn cài VNeID"), or it
    follows a request ("cho bác hỏi", "chỉ giúp bác"). "bà tôi 80 tuổi", "ông bà", "cô ơi" are not
    the writer. Unaccented, only "bac" and "ong" are trusted ("co" is also "có", "chi" is "chỉ").
    """
    typed = nfc(text).casefold()
    spans = list(_WORD.finditer(typed))
    folded = [fold(span.group()) for span in spans]
    for index, span in enumerate(spans):
        word = span.group()
        term = word if word in _TERMS else _UNACCENTED_TERMS.get(word)
        if term is None:
            continue
        before = folded[index - 1] if index else ""
        after = folded[index + 1] if index + 1 < len(folded) else ""
        gap = typed[spans[index - 1].end() : span.start()] if index else ""
        starts_clause = index == 0 or before == "oi" or any(mark in gap for mark in ",.!?;:")
        if starts_clause and after in _SPEAKER_VERBS:
            return term
        if before in _REQUESTS:
            return term
    return None


_LETTERS = re.compile(r"[^\W\d_]{2,}")
_NUMBER_CHARACTERS = re.compile(r"[\d\s+().\-/]+")


def wordless(text: str) -> str | None:
    """Return "digits" for a message of digits only, "no_words" for one without a word, or None.

    A word is two letters of any script: "a", "?", "👍👍" have none; "你好" has one.
    """
    if any(ch.isdigit() for ch in text) and _NUMBER_CHARACTERS.fullmatch(text.strip()):
        return "digits"
    if _LETTERS.search(text) is None:
        return "no_words"
    return None


_DEFAULT = re.compile(r"\b([Aa])nh/chị\b")


def address(text: str, term: str | None) -> str:
    """Return a Vietnamese text with "anh/chị" replaced by the resident's own word, if known."""
    if not term:
        return text
    return _DEFAULT.sub(lambda m: term.capitalize() if m.group(1) == "A" else term, text)
