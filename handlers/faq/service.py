"""The FAQ service: one matcher and the knowledge base for all handlers, plus stored phrasings."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

from sqlmodel import Session

from domain.faq import FaqEntry, FaqMatcher, MatchResult, load_knowledge
from domain.faq.knowledge import DEFAULT_PROVINCE, DICTIONARY_FILE, load_off_topic
from domain.faq.normalize import load_dictionary
from storage import faq_phrasing

logger = logging.getLogger(__name__)
FAQ_DIR = Path(__file__).resolve().parents[2] / "locales" / "faq"
SYNC_SECONDS = 60.0
CACHE_SIZE = 512
Knowledge = dict[str, dict[str, FaqEntry]]


@lru_cache(maxsize=4)
def _shipped(directory: Path, province: str) -> tuple[FaqMatcher, Knowledge]:
    """Build the matcher of the shipped files once per process (never changed afterwards)."""
    started = time.perf_counter()
    knowledge = load_knowledge(directory, province)
    matcher = FaqMatcher.from_knowledge(
        knowledge,
        load_dictionary(directory / DICTIONARY_FILE),
        off_topic=load_off_topic(directory),
    )
    logger.info("FAQ matcher (%s) built in %.2f s", province, time.perf_counter() - started)
    return matcher, knowledge


class FaqService:
    """Answers questions from the shipped topics and the phrasings leaders added.

    The shipped matcher is shared; the first added phrasing gives this service its own copy,
    so phrasings never leak between app instances. Phrasings stored by other processes are
    picked up at most every `SYNC_SECONDS` by `sync`.
    """

    def __init__(self, directory: Path = FAQ_DIR, province: str = DEFAULT_PROVINCE) -> None:
        self.province = province
        self._shared, self.knowledge = _shipped(directory, province)
        self._own: FaqMatcher | None = None
        self._lock = threading.RLock()
        self._cache: OrderedDict[str, MatchResult] = OrderedDict()
        self._last_id = 0
        self._synced_at: float | None = None

    @property
    def matcher(self) -> FaqMatcher:
        """Return the matcher in use."""
        return self._own or self._shared

    def keys(self) -> list[str]:
        """Return the topic keys in the order of the knowledge files."""
        return list(self.knowledge.get("vi") or next(iter(self.knowledge.values())))

    def knows(self, key: str) -> bool:
        """Tell whether a topic key exists."""
        return any(key in entries for entries in self.knowledge.values())

    def entry(self, key: str, locale: str) -> FaqEntry | None:
        """Return a topic in a language (Vietnamese when that language lacks it)."""
        for lang in (locale, "vi"):
            found = self.knowledge.get(lang, {}).get(key)
            if found is not None:
                return found
        return None

    def reply_locale(self, result: MatchResult, chat_locale: str) -> str:
        """Return the language to answer in: the question's own when we have topics in it.

        A question written in English gets the English answer in a Vietnamese chat, and the
        other way round; an unclear question keeps the chat's language.
        """
        if result.language is not None and result.language in self.knowledge:
            return result.language
        return chat_locale

    def match(self, question: str) -> MatchResult:
        """Match a question, remembering recent results until the matcher changes."""
        cache_key = question.strip()
        with self._lock:
            cached = self._cache.get(cache_key)
            if cached is not None:
                self._cache.move_to_end(cache_key)
                return cached
            matcher = self.matcher
        result = matcher.match(question)
        with self._lock:
            if matcher is self.matcher:
                self._cache[cache_key] = result
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return result

    def add_phrasing(self, key: str, text: str, *, phrasing_id: int = 0) -> bool:
        """Teach the matcher one more phrasing of a known topic; False for unknown topics."""
        if not self.knows(key) or not text.strip():
            return False
        with self._lock:
            if self._own is None:
                self._own = self._shared.copy()
            self._own.add_phrasing(key, text)
            self._last_id = max(self._last_id, phrasing_id)
            self._cache.clear()
        return True

    def sync(self, session: Session, *, force: bool = False) -> int:
        """Load phrasings stored since the last sync (at most every SYNC_SECONDS)."""
        now = time.monotonic()
        with self._lock:
            if not force and self._synced_at is not None and now - self._synced_at < SYNC_SECONDS:
                return 0
            self._synced_at = now
            last_id = self._last_id
        added = 0
        for row in faq_phrasing.phrasings_after(session, last_id):
            if self.add_phrasing(row.key, row.text, phrasing_id=row.id or 0):
                added += 1
            else:
                logger.warning("Stored phrasing %s names unknown topic %s", row.id, row.key)
                with self._lock:
                    self._last_id = max(self._last_id, row.id or 0)
        if added:
            logger.info("Loaded %d stored FAQ phrasings", added)
        return added


def build_faq_service(directory: Path = FAQ_DIR, province: str = DEFAULT_PROVINCE) -> FaqService:
    """Create the FAQ service for a province (its shipped matcher is built once per process)."""
    return FaqService(directory, province)
