"""The one guard for text people typed that goes into a spreadsheet cell or a CSV field.

OWASP's advice for CSV/formula injection: a value starting with `=`, `+`, `-`, `@`, a tab or a
carriage return may be run as a formula by Excel or LibreOffice, so it is prefixed with a single
quote and kept as text. Control characters that XLSX cannot hold (openpyxl raises
IllegalCharacterError on them) are removed rather than crashing the export. Every export writes
person-typed values (names, areas, team names, notes) through `cell_text`.
"""

from __future__ import annotations

import re
import unicodedata

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def cell_text(value: str) -> str:
    """Return a typed value as safe cell text: NFC, no control characters, never a formula."""
    text = _ILLEGAL.sub("", unicodedata.normalize("NFC", value))
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
