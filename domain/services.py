"""Service catalogue for session logging, loaded from locales/services.yaml."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from domain.text import fold, nfc

__all__ = [
    "CatalogueError",
    "Reason",
    "Service",
    "ServiceCatalogue",
    "default_catalogue",
]

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "locales" / "services.yaml"
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class CatalogueError(ValueError):
    """The service catalogue file is malformed or inconsistent."""


@dataclass(frozen=True, slots=True)
class Reason:
    """A typical failure reason of one service."""

    key: str
    vi: str
    en: str

    def label(self, lang: str = "vi") -> str:
        """Return the label in `lang` ("vi" or "en"; anything else falls back to Vietnamese)."""
        return self.en if lang == "en" else self.vi


@dataclass(frozen=True, slots=True)
class Service:
    """One loggable service category with its aliases and failure reasons."""

    key: str
    vi: str
    en: str
    aliases: tuple[str, ...]
    reasons: tuple[Reason, ...]
    assumed_from: tuple[str, ...] = ()
    faq_topics: tuple[str, ...] = ()

    def label(self, lang: str = "vi") -> str:
        """Return the label in `lang` ("vi" or "en"; anything else falls back to Vietnamese)."""
        return self.en if lang == "en" else self.vi

    def reason(self, key: str) -> Reason | None:
        """Return the reason with this key, or None."""
        return next((r for r in self.reasons if r.key == key), None)


class ServiceCatalogue:
    """Validated, immutable collection of services with alias lookup."""

    def __init__(self, services: Iterable[Service]) -> None:
        """Build and validate a catalogue; raise CatalogueError on duplicates or bad data."""
        self._services: tuple[Service, ...] = tuple(services)
        self._by_key: dict[str, Service] = {}
        self._by_folded: dict[str, Service] = {}
        self._vague: dict[str, Service] = {}
        self._by_topic: dict[str, Service] = {}
        if not self._services:
            raise CatalogueError("the catalogue has no services")
        for service in self._services:
            _check_service(service)
            if service.key in self._by_key:
                raise CatalogueError(f"duplicate service key {service.key!r}")
            self._by_key[service.key] = service
        for service in self._services:
            names = [(n, self._by_folded) for n in (service.key, *service.aliases)]
            for name, table in [*names, *((n, self._vague) for n in service.assumed_from)]:
                folded = fold(name)
                owner = self._by_folded.get(folded) or self._vague.get(folded)
                if owner is not None:
                    raise CatalogueError(
                        f"alias {name!r} of {service.key!r} is already used by {owner.key!r}"
                    )
                table[folded] = service
            for topic in service.faq_topics:
                self._by_topic.setdefault(topic, service)
        words = [*self._by_folded, *self._vague]
        self._max_words = max(len(name.split(" ")) for name in words)

    @classmethod
    def load(cls, path: Path) -> ServiceCatalogue:
        """Load and validate a catalogue from a YAML file."""
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise CatalogueError(f"{path}: invalid YAML: {exc}") from exc
        if not isinstance(data, Mapping) or not isinstance(data.get("services"), list):
            raise CatalogueError(f"{path}: expected a mapping with a 'services' list")
        return cls(_parse_service(raw, i) for i, raw in enumerate(data["services"]))

    def get(self, key: str) -> Service | None:
        """Return the service with this stable key, or None."""
        return self._by_key.get(key)

    def all(self) -> tuple[Service, ...]:
        """Return all services in catalogue order."""
        return self._services

    def by_alias(self, token: str) -> Service | None:
        """Find a service by alias or key, ignoring case, diacritics and extra spaces."""
        return self._by_folded.get(fold(token))

    def by_vague_word(self, token: str) -> Service | None:
        """Find the service a vague word ("vneid" alone) is taken to mean, or None."""
        return self._vague.get(fold(token))

    def by_word(self, token: str) -> tuple[Service, bool] | None:
        """Find a service by alias, key or vague word; the flag tells whether it was assumed."""
        exact = self.by_alias(token)
        if exact is not None:
            return exact, False
        vague = self.by_vague_word(token)
        return (vague, True) if vague is not None else None

    def for_faq_topic(self, topic: str | None) -> Service | None:
        """Return the service a FAQ topic is about (for logging a handoff), or None."""
        return self._by_topic.get(topic or "")

    def mentioned_in(self, text: str) -> Service | None:
        """Return the first service a free text names by alias or vague word, or None."""
        words = "".join(ch if ch.isalnum() else " " for ch in fold(text)).split()
        for i in range(len(words)):
            for size in range(min(self._max_words, len(words) - i), 0, -1):
                found = self.by_word(" ".join(words[i : i + size]))
                if found is not None:
                    return found[0]
        return None

    def short_words(self) -> list[str]:
        """Return one short typed word per service (its first alias, else its key)."""
        return [s.aliases[0] if s.aliases else s.key for s in self._services]

    @property
    def max_alias_words(self) -> int:
        """Return the largest number of words in any alias (for multi-word matching)."""
        return self._max_words

    def label(self, key: str, lang: str = "vi") -> str:
        """Return the service label, or the key itself if the service is unknown."""
        service = self._by_key.get(key)
        return service.label(lang) if service else key

    def reason_label(self, service_key: str, reason_key: str, lang: str = "vi") -> str:
        """Return the reason label, or the reason key itself if it is unknown."""
        service = self._by_key.get(service_key)
        reason = service.reason(reason_key) if service else None
        return reason.label(lang) if reason else reason_key


def _text(raw: Mapping[str, object], field: str, where: str) -> str:
    """Return a required non-empty string field in NFC."""
    value = raw.get(field)
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError(f"{where}: '{field}' must be a non-empty text")
    return nfc(value).strip()


def _parse_reason(raw: object, where: str) -> Reason:
    """Build a Reason from its YAML mapping."""
    if not isinstance(raw, Mapping):
        raise CatalogueError(f"{where}: a reason must be a mapping with key, vi, en")
    return Reason(*(_text(raw, f, where) for f in ("key", "vi", "en")))


def _parse_service(raw: object, index: int) -> Service:
    """Build a Service from its YAML mapping."""
    where = f"services[{index}]"
    if not isinstance(raw, Mapping):
        raise CatalogueError(f"{where}: a service must be a mapping")
    key = _text(raw, "key", where)
    where = f"service {key!r}"
    aliases = raw.get("aliases") or []
    reasons = raw.get("reasons")
    assumed = raw.get("assumed_from") or []
    topics = raw.get("faq_topics") or []
    for name, value in (("aliases", aliases), ("assumed_from", assumed), ("faq_topics", topics)):
        if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
            raise CatalogueError(f"{where}: '{name}' must be a list of texts")
    if not isinstance(reasons, list):
        raise CatalogueError(f"{where}: 'reasons' must be a list")
    return Service(
        key=key,
        vi=_text(raw, "vi", where),
        en=_text(raw, "en", where),
        aliases=tuple(nfc(a).strip() for a in aliases),
        reasons=tuple(_parse_reason(r, where) for r in reasons),
        assumed_from=tuple(nfc(a).strip() for a in assumed),
        faq_topics=tuple(str(t).strip() for t in topics),
    )


def _check_service(service: Service) -> None:
    """Validate one service's key, aliases and reasons."""
    where = f"service {service.key!r}"
    if not _KEY.match(service.key):
        raise CatalogueError(f"{where}: key must be lower-case ascii, digits and '_'")
    for alias in (*service.aliases, *service.assumed_from):
        if not fold(alias) or not fold(alias)[0].isalpha():
            raise CatalogueError(f"{where}: alias {alias!r} must start with a letter")
    keys = [r.key for r in service.reasons]
    if not keys or keys[-1] != "other":
        raise CatalogueError(f"{where}: reasons must end with 'other'")
    if len(set(keys)) != len(keys):
        raise CatalogueError(f"{where}: duplicate reason keys")
    for key in keys:
        if not _KEY.match(key):
            raise CatalogueError(f"{where}: bad reason key {key!r}")


@cache
def default_catalogue() -> ServiceCatalogue:
    """Return the catalogue from locales/services.yaml, loaded once."""
    return ServiceCatalogue.load(DEFAULT_PATH)
