"""Locale catalogs: every key in both languages, same placeholders, NFC, real diacritics."""

from __future__ import annotations

import string
import unicodedata

from bot.core.i18n import LOCALES_DIR, read_catalog


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_vi_and_en_have_the_same_keys_and_placeholders() -> None:
    vi = read_catalog(LOCALES_DIR / "vi" / "LC_MESSAGES")
    en = read_catalog(LOCALES_DIR / "en" / "LC_MESSAGES")
    assert vi and set(vi) == set(en)
    for key in vi:
        assert _placeholders(vi[key]) == _placeholders(en[key]), key
        assert vi[key].strip() and en[key].strip(), key


def test_texts_are_nfc_and_vietnamese_has_diacritics() -> None:
    for lang in ("vi", "en"):
        folder = LOCALES_DIR / lang / "LC_MESSAGES"
        for po_file in folder.glob("*.po"):
            raw = po_file.read_text(encoding="utf-8")
            assert unicodedata.is_normalized("NFC", raw), po_file
    vi = read_catalog(LOCALES_DIR / "vi" / "LC_MESSAGES")
    accented = sum(1 for text in vi.values() if any(ord(ch) > 0x7F for ch in text))
    assert accented / len(vi) > 0.8
