"""Small talk and forms of address, as typed by residents (with and without diacritics)."""

from __future__ import annotations

import pytest

from domain.faq.courtesy import (
    SmallTalk,
    address,
    self_address,
    small_talk,
    small_talk_language,
    wordless,
)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("alo", SmallTalk.GREETING),
        ("Alo alo", SmallTalk.GREETING),
        ("xin chào", SmallTalk.GREETING),
        ("xin chao", SmallTalk.GREETING),
        ("cháu ơi", SmallTalk.GREETING),
        ("chau oi", SmallTalk.GREETING),
        ("bot ơi", SmallTalk.GREETING),
        ("có ai không", SmallTalk.GREETING),
        ("hi there", SmallTalk.GREETING),
        ("cảm ơn cháu", SmallTalk.THANKS),
        ("cam on chau", SmallTalk.THANKS),
        ("Cảm ơn cháu nhiều nhé!", SmallTalk.THANKS),
        ("thank you so much", SmallTalk.THANKS),
        ("ok cảm ơn nhé", SmallTalk.THANKS),
        ("ok", SmallTalk.OK),
        ("vâng ạ", SmallTalk.OK),
        ("tạm biệt cháu", SmallTalk.OK),
    ],
)
def test_small_talk_is_recognised(text: str, kind: SmallTalk) -> None:
    assert small_talk(text) is kind


@pytest.mark.parametrize(
    "text",
    [
        "chau oi bac muon cai vneid",
        "cháu ơi, bác quên mật khẩu",
        "xin chào, cài vneid sao",
        "hello, how do I install vneid",
        "cảm ơn, nhưng bác vẫn không đăng nhập được",
        "😀",
        "a",
        "",
        "chao " * 20,
    ],
)
def test_a_question_is_not_small_talk(text: str) -> None:
    assert small_talk(text) is None


def test_small_talk_language() -> None:
    assert small_talk_language("thank you") == "en"
    assert small_talk_language("cam on chau") == "vi"
    assert small_talk_language("alo") == "vi"
    assert small_talk_language("ok") is None


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("chau oi bac muon cai vneid", "bác"),
        ("cháu ơi, bác quên mật khẩu", "bác"),
        ("cho bác hỏi cái vneid", "bác"),
        ("chỉ giúp bác với", "bác"),
        ("Cô cần làm thẻ căn cước cho cháu", "cô"),
        ("chú không nhận được mã", "chú"),
        ("ong muon doi so dien thoai", "ông"),
        ("chị muốn hỏi về bảo hiểm", "chị"),
        ("bà tôi 80 tuổi không có điện thoại", None),
        ("ông bà cần làm căn cước", None),
        ("bà con cần gì", None),
        ("có muốn cài vneid", None),
        ("co muon cai vneid", None),
        ("cô ơi cho em hỏi", None),
        ("anh ơi", None),
        ("chi can cai vneid", None),
    ],
)
def test_how_residents_call_themselves(text: str, term: str | None) -> None:
    assert self_address(text) == term


def test_address_replaces_the_default_form_only() -> None:
    text = "Anh/chị bấm «Quên mật khẩu»; anh/chị đừng đưa mật khẩu cho ai ạ."
    assert address(text, "bác") == "Bác bấm «Quên mật khẩu»; bác đừng đưa mật khẩu cho ai ạ."
    assert address(text, None) == text
    assert address("Thanh Khê, khánh/chịu", "bác") == "Thanh Khê, khánh/chịu"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("0905123456", "digits"),
        (" +84 (905) 123-456 ", "digits"),
        ("7", "digits"),
        ("a", "no_words"),
        ("?!", "no_words"),
        ("👍😀", "no_words"),
        ("", "no_words"),
        ("你好", None),
        ("ok", None),
        ("3 người cài vneid", None),
    ],
)
def test_messages_without_words(text: str, kind: str | None) -> None:
    assert wordless(text) == kind
