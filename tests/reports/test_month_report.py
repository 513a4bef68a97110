"""The monthly report: DOCX, XLSX and CSV read back and checked against the stored records."""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlmodel import Session

from bot.app import App
from bot.core.messages import Delivery, Document
from domain.periods import Month
from domain.services import default_catalogue
from handlers.leaders.report_issue import IssuedReport, issue_report
from handlers.leaders.report_xlsx import report_csv
from storage.month_report import ScopeKind, month_report
from tests.factories import Harness
from tests.reports import world as w
from tests.reports.documents import Docx, sheet_values, workbook

SERVICES = [s.key for s in default_catalogue().all()]


def _random_month(app: App, world: w.World) -> list[tuple[int, date, int, bool, list[w.Item]]]:
    """Store seeded random sessions from mid-February to mid-April; return what was stored."""
    rng = random.Random(7)
    now = app.parts.clock.now()
    teams = [world.team, world.sister_team, world.far_team]
    stored: list[tuple[int, date, int, bool, list[w.Item]]] = []

    def work(session: Session) -> None:
        for _ in range(300):
            team = rng.choice(teams)
            day = date(2026, 2, 10) + timedelta(days=rng.randrange(70))
            items: list[w.Item] = []
            for service in rng.sample(SERVICES, k=rng.choice((1, 1, 2, 3))):
                people = rng.randrange(1, 7)
                ok = rng.randrange(0, people + 1)
                reasons = tuple(
                    rng.choice(("otp_not_received", "other")) for _ in range(people - ok)
                )
                items.append((service, people, ok, reasons))
            minutes = rng.choice((15, 30, 45, 60, 90))
            person = rng.choice(world.volunteers) if team == world.team else world.other_leader
            outside = rng.random() < 0.3
            w.log(
                session,
                person_id=person,
                team_id=team,
                day=day,
                items=items,
                minutes=minutes,
                out_of_hours=outside,
                now=now,
            )
            stored.append((team, day, minutes, outside, items))

    app.db.run_sync(work)
    return stored


def _expected(stored: list, teams: set[int], month: Month) -> dict[str, tuple[int, int, int, int]]:  # type: ignore[type-arg]
    found: dict[str, list[int]] = {}
    for team, day, minutes, _outside, items in stored:
        if team in teams and month.start <= day < month.end:
            for service, people, ok, _reasons in items:
                row = found.setdefault(service, [0, 0, 0, 0])
                row[0] += 1
                row[1] += people
                row[2] += ok
                row[3] += minutes
    return {k: (v[0], v[1], v[2], v[3]) for k, v in found.items()}


def _documents(deliveries: list[Delivery]) -> list[Document]:
    return [d.reply.document for d in deliveries if d.reply.document is not None]


@pytest.mark.parametrize("cutoff", [1, 15])
async def test_team_report_numbers_match_the_records(
    harness: Harness, app: App, cutoff: int
) -> None:
    world = w.build(app)
    stored = _random_month(app, world)
    app.parts.settings = replace(app.settings, report_cutoff_day=cutoff)
    hoa = harness.user("200")
    docx_file, xlsx_file = _documents(await hoa.say("/report 2026-03"))
    assert docx_file.filename == f"bao-cao-team-{world.team}-2026-03.docx"
    assert xlsx_file.filename == f"phu-luc-bao-cao-team-{world.team}-2026-03.xlsx"
    month = Month(2026, 3, cutoff)
    assert (month.start, month.last_day) == (
        (date(2026, 3, 1), date(2026, 3, 31))
        if cutoff == 1
        else (date(2026, 2, 15), date(2026, 3, 14))
    )
    book = workbook(xlsx_file.content)
    rows = list(book["Data"].iter_rows(values_only=True))
    assert rows[0] == ("service", "sessions", "people", "succeeded", "minutes")
    assert [r[0] for r in rows[1:]] == SERVICES
    expected = _expected(stored, {world.team}, month)
    for service, sessions, people, ok, minutes in rows[1:]:
        assert (sessions, people, ok, minutes) == expected.get(service, (0, 0, 0, 0)), service
    in_month = [s for s in stored if s[0] == world.team and month.start <= s[1] < month.end]
    sheet = book.worksheets[0]
    total_row = next(row for row in sheet.iter_rows(values_only=True) if row[1] == "Tổng cộng")
    assert total_row[2] == len(in_month)
    assert total_row[3] == sum(p for s in in_month for _, p, _, _ in s[4])
    assert total_row[6] == pytest.approx(sum(s[2] for s in in_month) / 60)
    report = Docx.load(docx_file.content)
    lines = report.lines()
    people = sum(p for s in in_month for _, p, _, _ in s[4])
    assert f"- Số lượt người được hỗ trợ: {people} lượt." in lines
    minutes = sum(s[2] for s in in_month)
    outside = sum(s[2] for s in in_month if s[3])
    detail = next(line for line in lines if line.startswith("- Trong đó: ngoài giờ hành chính"))
    assert f"ngoài giờ hành chính {round(outside * 100 / minutes)}%" in detail
    assert f"- Số thành viên có ghi nhận hoạt động: {len(world.volunteers)}/4 thành viên." in lines
    reasons = Counter((svc, r) for s in in_month for svc, _, _, rs in s[4] for r in rs)
    top = reasons.most_common(1)[0][1]
    first = report.between("II. KHÓ KHĂN", "III.")[1]
    assert first.startswith("+ ") and first.endswith(f": {top} lượt.")
    assert docx_file.caption.startswith("Báo cáo tháng 03/2026")


async def test_ward_and_city_reports_have_one_line_per_unit(app: App) -> None:
    world = w.build(app)
    stored = _random_month(app, world)
    month = Month(2026, 3)
    catalog = app.parts.translations.get("vi")
    ward = app.db.run_sync(
        lambda s: month_report(s, scope="ward", scope_id=world.ward, month=month)
    )
    assert [u.name for u in ward.units] == ["Tổ 12", "Tổ 13"]
    for unit in ward.units:
        mine = [s for s in stored if s[0] == unit.unit_id and month.start <= s[1] < month.end]
        assert unit.counts.sessions == len(mine)
        assert unit.counts.people == sum(p for s in mine for _, p, _, _ in s[4])
    city = app.db.run_sync(lambda s: month_report(s, scope="city", scope_id=None, month=month))
    assert [u.name for u in city.units] == ["Phường Hải Châu", "Phường Hòa Cường"]
    assert city.units[1].activity.active_members == 1
    expected = _expected(stored, {world.team, world.sister_team, world.far_team}, month)
    assert {
        k: (c.sessions, c.people, c.succeeded, c.minutes) for k, c in city.services.items()
    } == expected
    now = app.parts.clock.now()
    issued = date(2026, 4, 2)

    def issue(kind: ScopeKind, scope_id: int | None) -> IssuedReport:
        return app.db.run_sync(
            lambda s: issue_report(
                s, kind=kind, scope_id=scope_id, month=month, issued=issued, now=now,
                catalog=catalog, lang="vi",
            )
        )  # fmt: skip

    values = sheet_values(workbook(issue("city", None).xlsx()), 1)
    assert "Kết quả theo phường, xã" in " ".join(map(str, values))
    assert "Phường Hòa Cường" in values
    ward_values = sheet_values(workbook(issue("ward", world.ward).xlsx()), 1)
    assert "Tổ 12 (Tổ dân phố 1, Tổ dân phố 2, Tổ dân phố 3)" in ward_values


async def test_csv_has_the_data_sheet_rows(harness: Harness, app: App) -> None:
    world = w.build(app)
    stored = _random_month(app, world)
    deliveries = await harness.user("200").say("/report 2026-03 csv")
    document = deliveries[0].reply.document
    assert document is not None and document.filename == f"bao-cao-team-{world.team}-2026-03.csv"
    rows = list(csv.reader(io.StringIO(document.content.decode("utf-8-sig"))))
    assert rows[0] == ["service", "sessions", "people", "succeeded", "minutes"]
    expected = _expected(stored, {world.team}, Month(2026, 3))
    for service, *numbers in rows[1:]:
        assert tuple(int(n) for n in numbers) == expected.get(service, (0, 0, 0, 0))
    report = app.db.run_sync(
        lambda s: month_report(s, scope="team", scope_id=world.team, month=Month(2026, 3))
    )
    assert report_csv(report) == document.content


async def test_empty_month_and_english_report(app: App) -> None:
    world = w.build(app)
    report = app.db.run_sync(
        lambda s: month_report(s, scope="team", scope_id=world.team, month=Month(2025, 1))
    )
    assert report.totals.sessions == 0 and report.reasons == []
    catalog = app.parts.translations.get("en")
    now = app.parts.clock.now()
    found = app.db.run_sync(
        lambda s: issue_report(
            s, kind="team", scope_id=world.team, month=Month(2025, 1), issued=date(2025, 2, 1),
            now=now, catalog=catalog, lang="en",
        )
    )  # fmt: skip
    values = sheet_values(workbook(found.xlsx()))
    assert "SOCIALIST REPUBLIC OF VIETNAM" in values
    lines = Docx.load(found.docx()).lines()
    assert "- No unsuccessful help was recorded this month." in lines
    with pytest.raises(LookupError):
        app.db.run_sync(lambda s: month_report(s, scope="team", scope_id=999, month=Month(2025, 1)))
