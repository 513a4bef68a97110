"""Loading and validating the FAQ knowledge base (locales/faq/<lang>.yaml)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from domain.text import nfc

DICTIONARY_FILE = "dictionary.yaml"
REQUIRED_FIELDS = ("title", "answer", "source", "checked")


class KnowledgeError(ValueError):
    """The knowledge base files are malformed."""


@dataclass(frozen=True)
class FaqEntry:
    """One FAQ topic in one language."""

    key: str
    title: str
    answer: str
    source: str
    checked: dt.date
    examples: tuple[str, ...] = ()


def _text(value: object, where: str) -> str:
    """Return a non-empty NFC string or raise."""
    if not isinstance(value, str) or not value.strip():
        raise KnowledgeError(f"{where}: expected non-empty text")
    return nfc(value).strip()


def _date(value: object, where: str) -> dt.date:
    """Return the checked date from a YAML date or an ISO string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError as exc:
            raise KnowledgeError(f"{where}: not an ISO date: {value!r}") from exc
    raise KnowledgeError(f"{where}: expected a date, got {value!r}")


def _examples(value: object, where: str) -> tuple[str, ...]:
    """Return the example phrasings as a tuple of strings."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise KnowledgeError(f"{where}: examples must be a list")
    return tuple(_text(item, f"{where}[{i}]") for i, item in enumerate(value))


def parse_entry(key: str, data: object, where: str) -> FaqEntry:
    """Validate one YAML entry and build a FaqEntry."""
    if not isinstance(data, Mapping):
        raise KnowledgeError(f"{where}: entry must be a mapping")
    missing = [name for name in REQUIRED_FIELDS if name not in data]
    if missing:
        raise KnowledgeError(f"{where}: missing {', '.join(missing)}")
    return FaqEntry(
        key=key,
        title=_text(data["title"], f"{where}.title"),
        answer=_text(data["answer"], f"{where}.answer"),
        source=_text(data["source"], f"{where}.source"),
        checked=_date(data["checked"], f"{where}.checked"),
        examples=_examples(data.get("examples"), f"{where}.examples"),
    )


def load_language(path: Path) -> dict[str, FaqEntry]:
    """Load one <lang>.yaml file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, Mapping) or not data:
        raise KnowledgeError(f"{path.name}: expected a mapping of topic keys")
    entries: dict[str, FaqEntry] = {}
    for key, value in data.items():
        if not isinstance(key, str) or not key.isidentifier():
            raise KnowledgeError(f"{path.name}: bad topic key {key!r}")
        entries[key] = parse_entry(key, value, f"{path.name}:{key}")
    return entries


def load_knowledge(directory: Path) -> dict[str, dict[str, FaqEntry]]:
    """Load every <lang>.yaml in the directory, keyed by language then topic key."""
    knowledge: dict[str, dict[str, FaqEntry]] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name != DICTIONARY_FILE:
            knowledge[path.stem] = load_language(path)
    if not knowledge:
        raise KnowledgeError(f"{directory}: no knowledge files")
    key_sets = {lang: set(entries) for lang, entries in knowledge.items()}
    reference = set().union(*key_sets.values())
    for lang, keys in key_sets.items():
        if keys != reference:
            raise KnowledgeError(f"{lang}.yaml lacks topics: {sorted(reference - keys)}")
    return knowledge
