"""Residents' questions on the neutral model: answers, suggestions, honest unknowns, /faq topics."""

from __future__ import annotations

from bot.app import App
from handlers.faq.answers import TOPICS_PER_PAGE
from tests.factories import Harness
from tests.handlers.faq_helpers import (
    en,
    faq,
    first_with_decision,
    make_team,
    stored_questions,
    title,
    vi,
)

UNKNOWN = "Giá vàng hôm nay bao nhiêu? 048190001234 0905 123 456"


async def test_confident_answer_with_diacritics_has_source_and_buttons(
    harness: Harness, app: App
) -> None:
    lan = harness.user("r1")
    await lan.say("Tải ứng dụng VNeID ở đâu?")
    text = lan.text()
    entry = faq(app).entry("vneid_install", "vi")
    assert entry is not None
    assert text.startswith(entry.title)
    assert entry.answer in text
    assert f"Nguồn: {entry.source} · cập nhật {entry.checked:%d/%m/%Y}" in text
    assert lan.payloads() == ["faq:ok:vneid_install", "ho:ask:k:vneid_install"]
    assert stored_questions(app) == []


async def test_confident_answer_without_diacritics(harness: Harness, app: App) -> None:
    lan = harness.user("r1")
    await lan.say("cach tai app vneid ve dien thoai")
    assert lan.text().startswith(title(app, "vneid_install"))
    await lan.say("quen mat khau vneid")
    assert lan.text().startswith(title(app, "vneid_password"))


async def test_answer_comes_in_the_residents_language(harness: Harness, app: App) -> None:
    lan = harness.user("r1")
    await lan.press("lang:en")
    await lan.say("I forgot my VNeID password")
    entry = faq(app).entry("vneid_password", "en")
    assert entry is not None
    assert lan.text().startswith(entry.title)
    assert f"Source: {entry.source} · checked {entry.checked:%Y-%m-%d}" in lan.text()
    labels = [b.label for d in lan.last for b in d.reply.all_buttons()]
    assert labels == [en(app, "faq.helpful"), en(app, "faq.ask_volunteer")]


async def test_helpful_button_thanks(harness: Harness, app: App) -> None:
    lan = harness.user("r1")
    await lan.press("faq:ok:vneid_otp")
    assert lan.text() == vi(app, "faq.thanks")


async def test_unsure_question_offers_suggestions_and_a_volunteer(
    harness: Harness, app: App
) -> None:
    question = first_with_decision(
        app, "suggest", ["bảo hiểm", "tài khoản", "thẻ", "số cccd bị khóa tài khoản vneid"]
    )
    suggestions = faq(app).match(question).suggestions
    lan = harness.user("r1")
    await lan.say(question)
    assert vi(app, "faq.suggest") in lan.text()
    [stored] = stored_questions(app)
    shown = lan.payloads()
    assert shown[:-1] == [f"faq:s:{stored.id}:{key}" for key in suggestions[:3]]
    assert shown[-1] == f"ho:ask:q:{stored.id}"
    labels = [b.label for d in lan.last for b in d.reply.all_buttons()]
    assert labels[:-1] == [title(app, key) for key in suggestions[:3]]
    await lan.press(shown[1] if len(shown) > 2 else shown[0])
    picked = suggestions[1] if len(shown) > 2 else suggestions[0]
    assert lan.text().startswith(title(app, picked))
    assert stored_questions(app)[0].best_key == picked


async def test_unknown_question_is_honest_and_stored_redacted(harness: Harness, app: App) -> None:
    team = make_team(app)
    lan = harness.user("r1")
    await lan.say(UNKNOWN)
    texts = lan.texts()
    assert texts[0] == vi(app, "faq.unknown")
    assert vi(app, "faq.redacted") in texts
    assert texts[-1] == vi(app, "privacy.short")
    [stored] = stored_questions(app)
    assert "048190001234" not in stored.text and "0905" not in stored.text
    assert stored.text == "Giá vàng hôm nay bao nhiêu? [đã ẩn] [đã ẩn]"
    assert stored.team_id is None and stored.status == "unanswered"
    assert lan.payloads() == [f"ho:ask:q:{stored.id}", "faq:p:1"]
    await lan.say("thời tiết Đà Nẵng ngày mai thế nào")
    assert vi(app, "privacy.short") not in lan.texts()
    assert len(stored_questions(app)) == 2
    assert team


async def test_off_topic_questions_get_no_confident_answer(harness: Harness, app: App) -> None:
    lan = harness.user("r1")
    for question in ("giá vàng hôm nay", "thời tiết Đà Nẵng ngày mai"):
        await lan.say(question)
        assert not any(p.startswith("faq:ok:") for p in lan.payloads()), question


async def test_volunteers_and_leaders_can_ask_too(harness: Harness, app: App) -> None:
    from tests.handlers.faq_helpers import add_member

    team = make_team(app)
    add_member(app, team, "v1")
    vol = harness.user("v1")
    await vol.say("quen mat khau vneid")
    assert vol.text().startswith(title(app, "vneid_password"))
    await vol.say(UNKNOWN)
    assert stored_questions(app)[-1].team_id == team


async def test_faq_lists_topics_a_page_at_a_time(harness: Harness, app: App) -> None:
    keys = faq(app).keys()
    pages = -(-len(keys) // TOPICS_PER_PAGE)
    lan = harness.user("r1")
    await lan.say("/faq")
    assert lan.text() == vi(app, "faq.topics", page=1, pages=pages)
    first = lan.payloads()
    assert first == [f"faq:t:{k}" for k in keys[:TOPICS_PER_PAGE]] + ["faq:p:2"]
    assert len(first) <= 8 and all(len(p.encode()) <= 64 for p in first)
    await lan.press("faq:p:2")
    second = lan.payloads()
    assert second[0] == f"faq:t:{keys[TOPICS_PER_PAGE]}"
    assert second[-2:] == ["faq:p:1", "faq:p:3"]
    await lan.press(f"faq:p:{pages}")
    last = lan.payloads()
    assert last[-1] == f"faq:p:{pages - 1}" and f"faq:t:{keys[-1]}" in last
    seen = set()
    for page in range(1, pages + 1):
        await lan.press(f"faq:p:{page}")
        seen.update(p for p in lan.payloads() if p.startswith("faq:t:"))
    assert seen == {f"faq:t:{k}" for k in keys}
    await lan.press(f"faq:t:{keys[0]}")
    assert lan.text().startswith(title(app, keys[0]))


async def test_faq_with_words_answers_them(harness: Harness, app: App) -> None:
    lan = harness.user("r1")
    await lan.say("/faq quen mat khau vneid")
    assert lan.text().startswith(title(app, "vneid_password"))


async def test_stale_and_forged_faq_buttons_are_refused_politely(
    harness: Harness, app: App
) -> None:
    lan = harness.user("r1")
    for payload in ("faq:t:nope", "faq:p:x", "faq:s:1:nope", "faq:zzz", "faq:p:²"):
        await lan.press(payload)
        assert lan.text() == vi(app, "error.stale_button"), payload


async def test_the_answer_follows_the_language_of_the_question(harness: Harness, app: App) -> None:
    tom = harness.user("r-en")
    await tom.say("Where can I download the official VNeID app?")
    assert tom.text().startswith(title(app, "vneid_install", "en"))
    await tom.say("/lang")
    await tom.press("lang:en")
    await tom.say("Tải ứng dụng VNeID chính thức ở đâu vậy?")
    assert tom.text().startswith(title(app, "vneid_install", "vi"))
    assert "Nguồn:" in tom.text()
