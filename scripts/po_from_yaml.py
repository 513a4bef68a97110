"""Add messages to locales/<lang>/LC_MESSAGES/<domain>.po from a YAML file of key: {vi:, en:}.

Usage: python scripts/po_from_yaml.py messages.yaml DOMAIN
Existing keys are overwritten, others kept. Handy for writing many messages at once;
the .po files are what the bot reads and what translators edit.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1] / "locales"


def main() -> None:
    """Convert the YAML messages into one .po file per language."""
    source, domain = Path(sys.argv[1]), sys.argv[2]
    messages = yaml.safe_load(source.read_text(encoding="utf-8"))
    for lang in ("vi", "en"):
        target = ROOT / lang / "LC_MESSAGES" / f"{domain}.po"
        if target.exists():
            with target.open("rb") as existing:
                catalog = read_po(existing)
        else:
            catalog = Catalog(locale=lang, domain=domain, project="tcns-bot")
        for key, texts in messages.items():
            catalog.add(key, unicodedata.normalize("NFC", texts[lang].rstrip("\n")))
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as handle:
            write_po(handle, catalog, width=0, omit_header=False, sort_output=True)


if __name__ == "__main__":
    main()
