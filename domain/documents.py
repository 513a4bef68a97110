"""Text for administrative documents (Nghị định 30/2020/NĐ-CP): dates, place names, safe text."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_UNIT_WORDS = ("phường", "xã", "đặc khu", "thị trấn", "thành phố", "tỉnh", "ubnd")


def doc_text(value: str) -> str:
    """Return typed text fit for a document: NFC, no control characters (XML cannot hold them)."""
    text = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return unicodedata.normalize("NFC", _CONTROL.sub("", text))


def place_name(unit: str) -> str:
    """Return the place written before the date: 'Phường Hải Châu' -> 'Hải Châu'."""
    text = " ".join(doc_text(unit).split())
    folded = text.casefold()
    for word in _UNIT_WORDS:
        if folded.startswith(word + " "):
            return text[len(word) + 1 :].strip()
    return text


def in_sentence(unit: str) -> str:
    """Return a unit's name as written inside a sentence: 'Phường Hải Châu' -> 'phường Hải Châu'."""
    folded = unit.casefold()
    for word in _UNIT_WORDS[:-1]:
        if folded.startswith(word + " "):
            return word + unit[len(word) :]
    return unit


def dated_parts(day: date) -> tuple[str, str, str]:
    """Return day, month and year as Decree 30 writes them: a 0 before days below 10 and
    months below 3 ('ngày 05 tháng 02 năm 2026', 'ngày 15 tháng 12 năm 2026').

    Source: Nghị định 30/2020/NĐ-CP, Phụ lục I ("đối với những số chỉ ngày nhỏ hơn 10 và tháng
    1, 2 thì phải ghi thêm số 0 ở trước"), as explained by Báo Quốc Tế, 07/08/2023
    (vietnam.vn/huong-dan-cach-viet-ngay-thang-nam-trong-van-ban-dung-chuan-nghi-dinh-30),
    checked 2026-12-05.
    """
    return f"{day.day:02d}", f"{day.month:02d}" if day.month < 3 else str(day.month), str(day.year)


def numbered(number: int) -> str:
    """Return a document number as Decree 30 writes it: a 0 before numbers below 10."""
    return f"{number:02d}"
