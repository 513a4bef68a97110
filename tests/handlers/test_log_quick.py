"""One-line /log: parsing into a card, questions for what is missing, areas, notes, time flags."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from bot.app import App
from bot.core.clock import FixedClock
from storage.models import Conversation
from tests.factories import Harness, User
from tests.handlers.log_helpers import area_ids, make_team, records, vi, volunteer

L2 = "vneid_level2"
TODAY = date(2026, 3, 4)


def state_of(app: App) -> tuple[str, dict[str, object]]:
    """Return the (only) stored flow state and data."""
    row = app.db.run_sync(lambda s: s.exec(select(Conversation)).one())
    return row.state, row.data


async def confirm(user: User) -> None:
    """Press the card's confirm button."""
    assert "lg:save" in user.payloads(), user.text()
    await user.press("lg:save")


COMPLETE_LINES = [
    pytest.param(
        "vneid2 3 dvc 1 45p", [(L2, 3, 3), ("dvc_online", 1, 1)], 45, TODAY, "", id="plain"
    ),
    pytest.param(
        "Mức 2 3 DVC 1 45 phút @Tổ dân phố 12", [(L2, 3, 3), ("dvc_online", 1, 1)], 45, TODAY,
        "Tổ dân phố 12", id="with-diacritics",
    ),
    pytest.param(
        "muc 2 3 dvc 1 45 phut @to dan pho 12", [(L2, 3, 3), ("dvc_online", 1, 1)], 45, TODAY,
        "Tổ dân phố 12", id="without-diacritics",
    ),
    pytest.param(
        "vneid2 3/3 qr 4 1h30 hom qua @tdp1", [(L2, 3, 3), ("cashless", 4, 4)], 90,
        date(2026, 3, 3), "Tổ dân phố 1", id="yesterday-ratio-prefix-area",
    ),
    pytest.param(
        "vneid2 2 2h @12", [(L2, 2, 2)], 120, TODAY, "Tổ dân phố 12", id="area-by-number"
    ),
    pytest.param(
        "vneid2 2 2h @TO DAN PHO 1", [(L2, 2, 2)], 120, TODAY, "Tổ dân phố 1", id="area-exact-caps"
    ),
]  # fmt: skip


@pytest.mark.parametrize(("line", "items", "minutes", "day", "area"), COMPLETE_LINES)
async def test_complete_line_goes_straight_to_the_card_and_saves_with_one_tap(
    harness: Harness, app: App, line: str, items: list[tuple[str, int, int]], minutes: int,
    day: date, area: str,
) -> None:  # fmt: skip
    team = make_team(app)
    user = volunteer(harness, team)
    await user.say(f"/log {line}")
    state, _ = state_of(app)
    if not area:  # no @area and no area used before: the area is asked
        assert state == "log.area"
        await user.press(f"lg:a:{area_ids(app, team)['Tổ dân phố 1']}")
        area = "Tổ dân phố 1"
    assert state_of(app)[0] == "log.card"
    assert area in user.text()
    await confirm(user)
    [record] = records(app)
    assert [(i.service, i.people, i.succeeded) for i in record.items] == items
    assert (record.minutes, record.day) == (minutes, day)
    assert record.area_id == area_ids(app, team)[area]


async def test_line_without_area_uses_the_last_area(harness: Harness, app: App) -> None:
    team = make_team(app)
    user = volunteer(harness, team)
    await user.say("/log vneid2 1 30p @tdp12")
    await confirm(user)
    await user.say("/log dvc 2 1h")
    assert state_of(app)[0] == "log.card" and "Tổ dân phố 12" in user.text()
    await confirm(user)
    assert [r.area_id for r in records(app)] == [area_ids(app, team)["Tổ dân phố 12"]] * 2


# line, expected state, problem message key, params of that message
PROBLEMS = [
    pytest.param("45p", "log.svc", "log.problem.no_service", {}, id="no_service"),
    pytest.param("vneid2 45p", "log.people", "log.problem.missing_count",
                 {"service": "Hỗ trợ định danh mức 2"}, id="missing_count"),
    pytest.param("vneid2 0 45p", "log.people", "log.problem.bad_count",
                 {"service": "Hỗ trợ định danh mức 2", "value": "0"}, id="bad_count"),
    pytest.param("vneid2 5/3 45p", "log.ok", "log.problem.succeeded_over_people",
                 {"service": "Hỗ trợ định danh mức 2", "succeeded": 5, "people": 3},
                 id="succeeded_over_people"),
    pytest.param("vneid2 3 45p 10/3", "log.day", "log.problem.future_date",
                 {"value": "10/3", "day": "10/03/2026"}, id="future_date"),
    pytest.param("vneid2 3 45p 1/1/2025", "log.day", "log.problem.too_old",
                 {"value": "1/1/2025", "day": "01/01/2025", "max_days_back": 60}, id="too_old"),
    pytest.param("vneid2 3 45p 31/2", "log.day", "log.problem.bad_date", {"value": "31/2"},
                 id="bad_date"),
    pytest.param("vneid2 3 45p hom qua 1/3", "log.day", "log.problem.multiple_dates",
                 {"value": "1/3", "chosen": "hom qua"}, id="multiple_dates"),
    pytest.param("vneid2 3 25h", "log.min", "log.problem.bad_duration", {"value": "25h"},
                 id="bad_duration"),
    pytest.param("vneid2 3", "log.min", "log.problem.missing_duration", {},
                 id="missing_duration"),
    pytest.param("vneid2 3 45p 1h", "log.min", "log.problem.multiple_durations",
                 {"value": "1h", "chosen": "45p"}, id="multiple_durations"),
    pytest.param("vneid2 3 45p @tdp1 @tdp12", "log.area", "log.problem.multiple_areas",
                 {"value": "tdp12", "chosen": "tdp1"}, id="multiple_areas"),
    pytest.param("vneid2 3 45p @khu9", "log.area", "log.problem.unknown_area",
                 {"value": "khu9"}, id="unknown_area"),
    pytest.param("vneid2 3 45p hôm qua xyz", "log.area", "log.problem.unknown_tokens",
                 {"tokens": "xyz"}, id="unknown_tokens"),
]  # fmt: skip


@pytest.mark.parametrize(("line", "state", "key", "params"), PROBLEMS)
async def test_each_problem_is_explained_and_asked(
    harness: Harness, app: App, line: str, state: str, key: str, params: dict[str, object]
) -> None:
    team = make_team(app)
    user = volunteer(harness, team)
    await user.say(f"/log {line}")
    assert vi(app, key, **params) in user.text()
    assert state_of(app)[0] == state
    assert user.payloads(), "the question comes with buttons"


async def test_answering_the_questions_leads_to_the_card(harness: Harness, app: App) -> None:
    team = make_team(app, areas=())
    user = volunteer(harness, team)
    await user.say("/log vneid2 dvc 2 10/3")
    assert state_of(app)[0] == "log.people"
    await user.say("3")  # vneid2 comes after dvc, the service read whole
    await user.press("lg:k:1:3")
    assert state_of(app)[0] == "log.day"
    await user.say("hôm qua")
    assert state_of(app)[0] == "log.min"
    await user.press("lg:m:60")
    await confirm(user)
    [record] = records(app)
    assert [(i.service, i.people) for i in record.items] == [("dvc_online", 2), (L2, 3)]
    assert (record.day, record.minutes, record.area_id) == (date(2026, 3, 3), 60, None)


async def test_area_given_to_a_team_without_areas_is_ignored(harness: Harness, app: App) -> None:
    team = make_team(app, areas=())
    user = volunteer(harness, team)
    await user.say("/log vneid2 1 30p @to5")
    assert vi(app, "log.problem.no_areas", value="to5") in user.text()
    assert state_of(app)[0] == "log.card"


async def test_note_is_redacted_before_it_is_stored_and_the_volunteer_is_told(
    harness: Harness, app: App
) -> None:
    team = make_team(app, areas=())
    user = volunteer(harness, team)
    note = "cụ Lan CCCD 048190001234, sđt 0905 123 456, mk abc123"
    await user.say(f"/log vneid2 1 30p -- {note}")
    told = vi(
        app, "log.redacted", kinds=", ".join(
            vi(app, f"log.kind.{k}") for k in ("id_number", "password", "phone")
        )
    )  # fmt: skip
    assert told in user.text()
    _, data = state_of(app)
    for secret in ("048190001234", "0905", "abc123"):
        assert secret not in str(data) and secret not in user.text()
    await confirm(user)
    [record] = records(app)
    assert record.note == "cụ Lan CCCD [đã ẩn], sđt [đã ẩn], mk [đã ẩn]"


async def test_note_typed_on_the_card_is_redacted_too(harness: Harness, app: App) -> None:
    team = make_team(app, areas=())
    user = volunteer(harness, team)
    await user.say("/log vneid2 1 30p")
    await user.say("OTP 123456 không về")
    assert vi(app, "log.redacted", kinds=vi(app, "log.kind.otp")) in user.text()
    await confirm(user)
    assert "123456" not in records(app)[0].note


# moment (UTC), line, out_of_hours, day_kind
FLAGS = [
    pytest.param(datetime(2026, 3, 4, 2, 0, tzinfo=UTC), "", False, "workday", id="wed-09h"),
    pytest.param(datetime(2026, 3, 4, 12, 0, tzinfo=UTC), "", True, "workday", id="wed-19h"),
    pytest.param(datetime(2026, 3, 7, 3, 0, tzinfo=UTC), "", True, "weekend", id="saturday"),
    pytest.param(datetime(2026, 2, 17, 2, 0, tzinfo=UTC), "", True, "holiday", id="tet-2026"),
    pytest.param(
        datetime(2026, 3, 4, 12, 0, tzinfo=UTC), "hom qua", False, "workday",
        id="past-workday-logged-at-19h",
    ),
    pytest.param(
        datetime(2026, 3, 9, 2, 0, tzinfo=UTC), "hom qua", True, "weekend",
        id="past-sunday-logged-monday",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("moment", "when", "out", "kind"), FLAGS)
async def test_out_of_hours_and_day_kind_are_stored(
    harness: Harness, app: App, clock: FixedClock, moment: datetime, when: str, out: bool,
    kind: str,
) -> None:  # fmt: skip
    clock.set(moment)
    team = make_team(app, areas=())
    user = volunteer(harness, team)
    await user.say(f"/log vneid2 1 30p {when}")
    if kind != "workday" or out:
        assert "🌙" in user.text() or "🎉" in user.text()
    await confirm(user)
    [record] = records(app)
    assert (record.out_of_hours, record.day_kind) == (out, kind)


async def test_english_speaker_gets_english_questions(harness: Harness, app: App) -> None:
    team = make_team(app, areas=())
    user = volunteer(harness, team)
    await user.press("lang:en")
    await user.say("/log vneid2 3")
    assert "I did not see how long it took." in user.text()
    await user.press("lg:m:30")
    assert "VNeID level-2 identification support: 3 helped, 3 succeeded" in user.text()
