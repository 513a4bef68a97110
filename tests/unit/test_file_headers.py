"""Content-Disposition for downloads: an ASCII name and the exact UTF-8 name (RFC 6266/5987)."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from bot.web.files import ascii_filename, content_disposition


def test_vietnamese_names_keep_their_letters_in_the_utf8_form() -> None:
    header = content_disposition("Báo cáo tháng 3 – Đội 12.xlsx")
    plain, _, encoded = header.partition("; filename*=UTF-8''")
    assert plain == 'attachment; filename="Bao_cao_thang_3___Doi_12.xlsx"'
    assert unquote(encoded) == "Báo cáo tháng 3 – Đội 12.xlsx"
    assert content_disposition("digest.png", inline=True).startswith(
        'inline; filename="digest.png"'
    )


@pytest.mark.parametrize(
    "name",
    ['a"; filename="evil.exe', "a\r\nSet-Cookie: x=1.csv", "../../etc/passwd", "", "\u202egpj.exe"],
)
def test_hostile_names_cannot_break_out_of_the_header(name: str) -> None:
    header = content_disposition(name)
    assert "\r" not in header and "\n" not in header and "/" not in header
    assert header.count('"') == 2
    assert header.isascii()
    assert ascii_filename(name).replace(".", "").replace("_", "").replace("-", "").isalnum() or (
        ascii_filename(name) == "file"
    )
