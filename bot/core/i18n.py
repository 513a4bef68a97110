"""Locale catalogs: gettext .po files under locales/<lang>/LC_MESSAGES/, one language per user.

Msgids are stable dotted keys ("start.welcome"); every key has a Vietnamese and an English
text with the same {named} placeholders. No global language is ever installed.
"""

from __future__ import annotations

import logging
import unicodedata
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

from bot.settings import SUPPORTED_LOCALES

logger = logging.getLogger(__name__)
LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"


class Catalog:
    """All messages of one language, merged from every .po file of that language."""

    def __init__(self, lang: str, messages: dict[str, str]) -> None:
        self.lang = lang
        self.messages = messages

    def text(self, key: str, /, **params: object) -> str:
        """Return the message for key with its placeholders filled; the key itself if missing."""
        template = self.messages.get(key)
        if template is None:
            logger.warning("Missing message %s in locale %s", key, self.lang)
            return key
        if not params:
            return template
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):
            logger.exception("Bad placeholders for message %s in locale %s", key, self.lang)
            return template


def read_catalog(folder: Path) -> dict[str, str]:
    """Read every .po file in a folder into one key → text mapping (NFC)."""
    messages: dict[str, str] = {}
    for po_file in sorted(folder.glob("*.po")):
        with po_file.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if message.id and isinstance(message.id, str) and isinstance(message.string, str):
                messages[message.id] = unicodedata.normalize("NFC", message.string)
    return messages


class Translations:
    """The catalogs of all supported languages."""

    def __init__(self, catalogs: dict[str, Catalog], default: str) -> None:
        self.catalogs = catalogs
        self.default = default

    @classmethod
    def load(cls, root: Path = LOCALES_DIR, default: str = "vi") -> Translations:
        """Load locales/vi and locales/en."""
        catalogs = {
            lang: Catalog(lang, read_catalog(root / lang / "LC_MESSAGES"))
            for lang in SUPPORTED_LOCALES
        }
        return cls(catalogs, default)

    def get(self, lang: str) -> Catalog:
        """Return the catalog for lang, or the default one."""
        return self.catalogs.get(lang) or self.catalogs[self.default]


@lru_cache(maxsize=4)
def default_translations(default: str = "vi") -> Translations:
    """Return the project's catalogs, loaded once."""
    return Translations.load(default=default)
