"""Loading and validating the FAQ knowledge base: national topics plus a province pack.

Layout of ``locales/faq``:

- ``vi.yaml``, ``en.yaml``: the national topics, one file per language (same keys in each);
- ``provinces/<province>.yaml``: a province pack (both languages in one file) that replaces
  fields of national topics, adds its own example phrasings, or adds province-only topics;
- ``dictionary.yaml``: the matcher's normalisation tables;
- ``off_topic.yaml``: phrasings the bot must not answer (the matcher learns to abstain on them).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from domain.text import nfc

DICTIONARY_FILE = "dictionary.yaml"
OFF_TOPIC_FILE = "off_topic.yaml"
PROVINCES_DIR = "provinces"
NO_PROVINCE = "none"
DEFAULT_PROVINCE = "da_nang"
REQUIRED_FIELDS = ("title", "answer", "source", "checked")
_LANGUAGE_FILE = re.compile(r"^[a-z]{2}$")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when installed (several times faster), else the pure-Python one."""
_PROVINCE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

Knowledge = dict[str, dict[str, "FaqEntry"]]
"""Topics keyed by language, then topic key."""


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
    province: str | None = None
    """The province pack that supplied or changed this topic; None for a national topic."""


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


def _read_yaml(path: Path) -> object:
    """Parse one YAML file, naming the file in any error."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path.name}: {exc}") from exc


def _topic_key(key: object, where: str) -> str:
    """Return a valid topic key (a Python identifier) or raise."""
    if not isinstance(key, str) or not key.isidentifier():
        raise KnowledgeError(f"{where}: bad topic key {key!r}")
    return key


def load_language(path: Path) -> dict[str, FaqEntry]:
    """Load one <lang>.yaml file."""
    data = _read_yaml(path)
    if not isinstance(data, Mapping) or not data:
        raise KnowledgeError(f"{path.name}: expected a mapping of topic keys")
    entries: dict[str, FaqEntry] = {}
    for key, value in data.items():
        name = _topic_key(key, path.name)
        entries[name] = parse_entry(name, value, f"{path.name}:{name}")
    return entries


def load_national(directory: Path) -> Knowledge:
    """Load every <lang>.yaml of the national topics, keyed by language then topic key."""
    knowledge: Knowledge = {}
    for path in sorted(directory.glob("*.yaml")):
        if _LANGUAGE_FILE.match(path.stem):
            knowledge[path.stem] = load_language(path)
    if not knowledge:
        raise KnowledgeError(f"{directory}: no knowledge files")
    _same_topics(knowledge, "national topics")
    return knowledge


def _same_topics(knowledge: Knowledge, what: str) -> None:
    """Raise unless every language holds the same topic keys."""
    key_sets = {lang: set(entries) for lang, entries in knowledge.items()}
    reference = set().union(*key_sets.values())
    for lang, keys in key_sets.items():
        if keys != reference:
            raise KnowledgeError(f"{lang}.yaml lacks topics ({what}): {sorted(reference - keys)}")


@dataclass(frozen=True)
class ProvincePack:
    """A province's overlay: its name per language and per-topic, per-language field changes."""

    province: str
    names: Mapping[str, str]
    topics: Mapping[str, Mapping[str, Mapping[str, object]]]


def available_provinces(directory: Path) -> list[str]:
    """Return the province packs shipped in locales/faq/provinces, sorted."""
    folder = directory / PROVINCES_DIR
    return sorted(path.stem for path in folder.glob("*.yaml")) if folder.is_dir() else []


def load_province(directory: Path, province: str) -> ProvincePack:
    """Read and check the shape of provinces/<province>.yaml."""
    if not _PROVINCE_NAME.match(province):
        raise KnowledgeError(f"bad province name {province!r}")
    path = directory / PROVINCES_DIR / f"{province}.yaml"
    if not path.is_file():
        known = ", ".join(available_provinces(directory)) or "none shipped"
        raise KnowledgeError(f"no province pack {province!r} (known: {known}, or {NO_PROVINCE})")
    data = _read_yaml(path)
    where = path.name
    if not isinstance(data, Mapping) or not isinstance(data.get("topics"), Mapping):
        raise KnowledgeError(f"{where}: expected 'name' and 'topics' mappings")
    names = data.get("name")
    if not isinstance(names, Mapping) or not names:
        raise KnowledgeError(f"{where}: 'name' must map languages to the province's name")
    topics: dict[str, dict[str, Mapping[str, object]]] = {}
    for key, per_language in data["topics"].items():
        name = _topic_key(key, where)
        if not isinstance(per_language, Mapping) or not per_language:
            raise KnowledgeError(f"{where}:{name}: expected a mapping of languages")
        topics[name] = {}
        for lang, fields in per_language.items():
            if not isinstance(fields, Mapping):
                raise KnowledgeError(f"{where}:{name}.{lang}: expected a mapping of fields")
            unknown = set(fields) - {*REQUIRED_FIELDS, "examples"}
            if unknown:
                raise KnowledgeError(f"{where}:{name}.{lang}: unknown fields {sorted(unknown)}")
            topics[name][str(lang)] = fields
    return ProvincePack(
        province=province,
        names={str(lang): _text(text, f"{where}:name.{lang}") for lang, text in names.items()},
        topics=topics,
    )


def apply_pack(national: Knowledge, pack: ProvincePack) -> Knowledge:
    """Return the national topics with a province pack laid over them.

    For a national topic the pack's fields replace the national ones and its examples are added;
    a topic the nation lacks must be complete in the pack. Every pack topic covers every language.
    """
    merged: Knowledge = {lang: dict(entries) for lang, entries in national.items()}
    where = f"provinces/{pack.province}.yaml"
    for key, per_language in pack.topics.items():
        missing = set(merged) - set(per_language)
        if missing:
            raise KnowledgeError(f"{where}:{key}: lacks languages {sorted(missing)}")
        for lang, fields in per_language.items():
            if lang not in merged:
                raise KnowledgeError(f"{where}:{key}: unknown language {lang!r}")
            base = merged[lang].get(key)
            label = f"{where}:{key}.{lang}"
            if base is None:
                entry = parse_entry(key, fields, label)
            else:
                entry = _overlay(base, fields, label)
            merged[lang][key] = replace(entry, province=pack.province)
    return merged


def _overlay(base: FaqEntry, fields: Mapping[str, object], where: str) -> FaqEntry:
    """Replace the given fields of a national entry and append the pack's examples."""
    return FaqEntry(
        key=base.key,
        title=_text(fields["title"], f"{where}.title") if "title" in fields else base.title,
        answer=_text(fields["answer"], f"{where}.answer") if "answer" in fields else base.answer,
        source=_text(fields["source"], f"{where}.source") if "source" in fields else base.source,
        checked=_date(fields["checked"], f"{where}.checked")
        if "checked" in fields
        else base.checked,
        examples=base.examples + _examples(fields.get("examples"), f"{where}.examples"),
    )


def load_knowledge(directory: Path, province: str | None = DEFAULT_PROVINCE) -> Knowledge:
    """Load the national topics and lay the named province pack over them ("none" or None: none)."""
    national = load_national(directory)
    if province is None or province == NO_PROVINCE:
        return national
    return apply_pack(national, load_province(directory, province))


def load_off_topic(directory: Path) -> tuple[str, ...]:
    """Return the off-topic phrasings the matcher learns to abstain on (empty without the file)."""
    path = directory / OFF_TOPIC_FILE
    if not path.is_file():
        return ()
    data = _read_yaml(path)
    if not isinstance(data, Mapping):
        raise KnowledgeError(f"{OFF_TOPIC_FILE}: expected a mapping with 'phrasings'")
    return _examples(data.get("phrasings"), f"{OFF_TOPIC_FILE}.phrasings")
