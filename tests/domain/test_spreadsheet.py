"""The shared formula-injection guard."""

from __future__ import annotations

import pytest

from domain.spreadsheet import cell_text


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ('=HYPERLINK("https://x","y")', '\'=HYPERLINK("https://x","y")'),
        ("+84 là mã", "'+84 là mã"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\r=1+1", "'\r=1+1"),
        ("Lan\x07 Anh", "Lan Anh"),
        ("Nguyễn Văn A", "Nguyễn Văn A"),
        ("Tổ 3 - Hải Châu", "Tổ 3 - Hải Châu"),
    ],
)
def test_cell_text(typed: str, stored: str) -> None:
    assert cell_text(typed) == stored


def test_control_character_removal_cannot_uncover_a_formula() -> None:
    assert cell_text("\x07=1+1") == "'=1+1"
