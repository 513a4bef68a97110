"""Table-driven tests for personal-data redaction."""

from __future__ import annotations

import pytest

from domain.redact import KINDS, PLACEHOLDER, Redaction, redact

POSITIVES = [
    # (text, secret that must disappear, kind)
    ("CCCD 048095012345 của bác", "048095012345", "id_number"),
    ("cccd: 048 095 012 345", "048 095 012 345", "id_number"),
    ("số căn cước 0480.9501.2345", "0480.9501.2345", "id_number"),
    ("cmnd 201234567", "201234567", "id_number"),
    ("cmnd 201.234.567", "201.234.567", "id_number"),
    ("CMND 201 234 567 cũ", "201 234 567", "id_number"),
    ("sđt 0905123456", "0905123456", "phone"),
    ("sdt 0905 123 456 nhé", "0905 123 456", "phone"),
    ("gọi 0905.123.456", "0905.123.456", "phone"),
    ("gọi 0905-123-456", "0905-123-456", "phone"),
    ("số 090 512 3456", "090 512 3456", "phone"),
    ("zalo +84905123456", "+84905123456", "phone"),
    ("zalo +84 905 123 456", "+84 905 123 456", "phone"),
    ("84905123456 là số bác", "84905123456", "phone"),
    ("bàn 0236 3822 123", "0236 3822 123", "phone"),
    ("sđt 0905123456 3 người", "0905123456", "phone"),
    ("mã OTP 123456", "123456", "otp"),
    ("otp la 4821", "4821", "otp"),
    ("OTP: 99887766", "99887766", "otp"),
    ("mã xác thực: 998877", "998877", "otp"),
    ("ma xac thuc 998877", "998877", "otp"),
    ("mã xác nhận là 5566", "5566", "otp"),
    ("code 1234", "1234", "otp"),
    ("123456 là mã otp", "123456", "otp"),
    ("otp gửi về là 654321", "654321", "otp"),
    ("mã 4567", "4567", "otp"),
    ("Mã: 123 456", "123 456", "otp"),
    ("mk: Abc@123", "Abc@123", "password"),
    ("mk abc123", "abc123", "password"),
    ("MK=hoa2024", "hoa2024", "password"),
    ("mật khẩu là hoa123", "hoa123", "password"),
    ("mat khau: bonghoa", "bonghoa", "password"),
    ("mật khẩu mới: Xuan@2026", "Xuan@2026", "password"),
    ("mk vneid là abcd", "abcd", "password"),
    ("mật khẩu của bác là 123abc", "123abc", "password"),
    ("pass=xyz", "xyz", "password"),
    ("password abc12345.", "abc12345", "password"),
    ("pw: qwerty", "qwerty", "password"),
    ("passcode 246810", "246810", "password"),
    ("passcode là 135790", "135790", "password"),
    ("stk 1234567890123", "1234567890123", "long_number"),
    ("thẻ 4111111111111111", "4111111111111111", "long_number"),
    ("0905\u200b123456", "0905123456", "phone"),
]

NEGATIVES = [
    "vneid2 3 dvc 1 45p",
    "vneid2 2/3 qr 4 1h30 hom qua @to12 -- hai cu lon tuoi",
    "hỗ trợ 3 người",
    "ngày 15/3/2026",
    "ngày 15-3-2026 lúc 9:30",
    "ngày 15.03.2026 có 12 người",
    "ngày 05.03.2026 15 người",
    "từ 1h30 đến 3h",
    "năm 2026",
    "sinh năm 1950",
    "otp hết hạn năm 2026",
    "otp không về vào 15/3/2026",
    "tổ 12 phường Hải Châu",
    "mã vùng 0236",
    "phí 150.000.000 đồng",
    "nộp 150.000.000đ",
    "nộp 150000000 đ",
    "quên mk nên không vào được",
    "quên mk VNeID",
    "quên mật khẩu 2 lần",
    "passcode 6 số",
    "Hotline 1900 0368",
    "mà 1h30 mới xong",
    "",
]


@pytest.mark.parametrize(("text", "secret", "kind"), POSITIVES, ids=[p[0] for p in POSITIVES])
def test_positives(text: str, secret: str, kind: str) -> None:
    result = redact(text)
    assert kind in result.kinds
    assert secret not in result.text
    assert PLACEHOLDER in result.text


@pytest.mark.parametrize("text", NEGATIVES, ids=[t or "empty" for t in NEGATIVES])
def test_negatives(text: str) -> None:
    assert redact(text) == Redaction(text, frozenset())


def test_keeps_surrounding_text() -> None:
    result = redact("Bác Hai, sđt 0905 123 456, mã OTP 123456, mk: Abc@1 -- đã xong 3 người")
    assert result.text == (
        f"Bác Hai, sđt {PLACEHOLDER}, mã OTP {PLACEHOLDER}, mk: {PLACEHOLDER} -- đã xong 3 người"
    )
    assert result.kinds == {"phone", "otp", "password"}


def test_kinds_are_known() -> None:
    for text, _, _ in POSITIVES:
        assert redact(text).kinds <= KINDS


def test_output_is_nfc_without_zero_width() -> None:
    assert redact("ho\u0323 te\u0302n\u200b").text == "họ tên"


def test_idempotent() -> None:
    for text, _, _ in POSITIVES:
        once = redact(text).text
        assert redact(once).text == once
