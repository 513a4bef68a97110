"""The dashboard in real headless Chromium (issue 18, point 5).

A ward admin asks the bot (Telegram, through the fake Bot API server and the real PTB client)
for /dashboard, opens the link in Chromium and signs in; each page is looked at on a desktop
and a phone, sorted, filtered, downloaded from, switched to English, checked with axe-core and
photographed into docs/img/dashboard-*.png (referenced from docs/dashboard.md).
"""

from __future__ import annotations

import io
import random
import re
import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlmodel import Session

from bot.app import App, build_app
from bot.core.clock import FixedClock
from bot.runtime import RunOptions, Runtime
from bot.settings import Settings
from domain.office_hours import day_kind
from storage import assists, people, questions, targets, teams
from storage.assists import ItemInput
from storage.models import Membership, WardAdmin
from tests.e2e.webchat_pages import DOCS_IMG, chromium, new_page, serious_violations
from tests.fakes import FakeTelegram
from tests.reports.documents import Docx

pytestmark = pytest.mark.e2e
TOKEN = "4343:DASH-token"
WARD_ADMIN = 7001
LINK = re.compile(r"http://127\.0\.0\.1:\d+/dashboard/login/[A-Za-z0-9_-]{43}")
WARDS = ("Phường Hải Châu", "Phường Thanh Khê")
STREETS = ("Hòa Thuận", "Nam Dương", "Phước Ninh", "Thạch Thang", "Bình Hiên", "Hải Châu 1",
           "Xuân Hà", "Tam Thuận", "An Khê", "Chính Gián")  # fmt: skip
FIRST = ("Lan", "Hùng", "Hà", "Minh", "Thảo", "Quang", "Mai", "Tuấn", "Hương", "Dũng", "Linh")
LAST = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi")
SERVICES = ("vneid_level2", "vneid_install_l1", "vssid", "dvc_online", "cashless", "scam_awareness")
REASONS = {"vneid_level2": "otp_not_received", "vneid_install_l1": "otp_not_received"}


async def no_sleep(seconds: float) -> None:
    """Skip the channel's waits."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def seed(app: App) -> dict[str, int]:
    """Ten teams in two wards, twelve weeks of sessions; the ward admin runs Hải Châu."""
    now = app.parts.clock.now()
    rng = random.Random(18)
    found: dict[str, int] = {}
    services = {s.key for s in __import__("domain.services").services.default_catalogue().all()}

    def work(session: Session) -> None:
        admin = people.ensure_person(session, channel="telegram", user_id=str(WARD_ADMIN),
                                     chat_id=str(WARD_ADMIN), now=now)  # fmt: skip
        admin.display_name = "Phạm Thị Hồng"
        session.add(admin)
        for index, street in enumerate(STREETS):
            ward = WARDS[index % 2]
            team = teams.create_team(session, ward_name=ward, name=f"Tổ {street}",
                                     areas=[f"Tổ dân phố {index + 1}"], now=now)  # fmt: skip
            assert team.id is not None
            found[street] = team.id
            if index == 0:
                session.add(WardAdmin(person_id=admin.id or 0, ward_id=team.ward_id))
                found["ward"] = team.ward_id
            members = []
            for m in range(3 + index % 4):
                person = people.ensure_person(session, channel="test", user_id=f"p{index}-{m}",
                                              chat_id=f"p{index}-{m}", now=now)  # fmt: skip
                person.display_name = f"{rng.choice(LAST)} {rng.choice(FIRST)}"
                session.add(person)
                role = "leader" if m == 0 else "volunteer"
                session.add(Membership(person_id=person.id or 0, team_id=team.id, role=role,
                                       joined_at=now))  # fmt: skip
                members.append(person.id or 0)
            quiet = index in (2, 8)  # two teams fell silent a month ago
            for _ in range(0 if index == 9 else 8 + 3 * (index % 5)):
                day = date(2026, 3, 4) - timedelta(days=rng.randrange(30 if quiet else 0, 84))
                if quiet and day > date(2026, 2, 10):
                    continue
                service = rng.choice([s for s in SERVICES if s in services])
                helped = rng.randrange(1, 5)
                ok = rng.randrange(max(0, helped - 2), helped + 1)
                reasons = (REASONS.get(service, ""),) if ok < helped and service in REASONS else ()
                assists.add_assist(
                    session, person_id=rng.choice(members[: max(1, len(members) - 1)]),
                    team_id=team.id, area_id=None, day=day, received_at=now, minutes=rng.choice(
                        (30, 45, 60, 90)), channel="test", note="", out_of_hours=False,
                    day_kind=day_kind(day), items=[ItemInput(service, helped, ok, reasons)],
                )  # fmt: skip
            if index % 2 == 0:
                targets.set_target(session, team_id=team.id, area_id=None, metric="vneid_level2",
                                   month="2026-03", target=20, set_by=None, now=now)  # fmt: skip
        for key, n in (("vneid_level2", 3), (None, 2), ("vssid_install", 1)):
            for _ in range(n):
                questions.add_question(session, text="…", now=now, channel="web", person_id=None,
                                       team_id=found["Hòa Thuận"], best_key=key, score=0.3)  # fmt: skip

    app.db.run_sync(work)
    return found


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN, bot_username="tcns_test_bot") as server:
        yield server


@pytest.fixture
async def bot(
    settings: Settings, clock: FixedClock, fake: FakeTelegram
) -> AsyncIterator[tuple[Runtime, dict[str, int]]]:
    """The bot polling the fake Telegram, with a public address (so the web server runs)."""
    port = free_port()
    configured = replace(settings, web_port=port, public_base_url=f"http://127.0.0.1:{port}")
    configured = configured.with_channel(
        "telegram", token=TOKEN, api_base_url=fake.base_url, username=""
    )
    core = build_app(configured, clock=clock, migrate=False)
    world = seed(core)
    runtime = Runtime(core, RunOptions(telegram_poll_timeout=1, sleep=no_sleep))
    await runtime.start()
    try:
        yield runtime, world
    finally:
        await runtime.stop()
        core.close()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    async with chromium() as launched:
        yield launched


async def link_from_the_bot(fake: FakeTelegram) -> str:
    fake.push_text(WARD_ADMIN, "/dashboard")
    text = (await fake.wait_for("sendMessage", chat_id=WARD_ADMIN)).params["text"]
    found = LINK.search(text)
    assert found is not None, text
    return found.group()


async def signed_in_page(browser: Any, fake: FakeTelegram, size: str) -> Any:
    """Open the bot's link in a fresh browser context and press the sign-in button."""
    from playwright.async_api import expect

    page = await new_page(browser, size, accept_downloads=True)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.errors = errors
    await page.goto(await link_from_the_bot(fake))
    await page.get_by_role("button", name="Vào bảng điều khiển").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Tổng quan")
    return page


async def look(page: Any, name: str) -> None:
    """No horizontal page scroll, no axe violations, no CSP complaints; then the screenshot."""
    width = await page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{name} scrolls sideways ({width}px)"
    assert await serious_violations(page) == [], name
    assert not [e for e in page.errors if "Content Security Policy" in e], page.errors
    await page.screenshot(path=str(DOCS_IMG / f"dashboard-{name}.png"), full_page=True)


@pytest.mark.parametrize("size", ["desktop", "phone"])
async def test_each_page_signed_in_through_the_bot(
    bot: tuple[Runtime, dict[str, int]], fake: FakeTelegram, browser: Any, size: str
) -> None:
    from playwright.async_api import expect

    page = await signed_in_page(browser, fake, size)
    cookie = next(c for c in await page.context.cookies() if c["name"] == "tcns_dash")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    await expect(page.locator("svg.trend rect.bar")).to_have_count(12)
    await expect(page.locator(".tile").first).to_contain_text("5")  # five teams in the ward
    await look(page, f"overview-{size}")

    await page.get_by_role("link", name="Các tổ", exact=True).click()
    rows = page.locator("#teams tbody tr")
    await expect(rows).to_have_count(5)
    await look(page, f"teams-{size}")

    await rows.first.get_by_role("link").click()
    await expect(page.get_by_role("heading", level=2, name="Thành viên")).to_be_visible()
    await look(page, f"team-{size}")

    await page.get_by_role("link", name="Tải báo cáo", exact=True).click()
    await expect(page.get_by_role("combobox", name="Phạm vi")).to_be_visible()
    await look(page, f"downloads-{size}")
    assert await page.locator("script").count() == 0


async def test_sorting_filtering_language_and_sign_out(
    bot: tuple[Runtime, dict[str, int]], fake: FakeTelegram, browser: Any
) -> None:
    from playwright.async_api import expect

    page = await signed_in_page(browser, fake, "desktop")
    await page.goto(page.url + "teams")
    names = page.locator("#teams tbody tr td:first-child a")
    await page.get_by_role("link", name="Tổ", exact=True).click()  # sort by name
    await expect(page.locator("th[aria-sort='ascending']")).to_have_count(1)
    shown = await names.all_inner_texts()
    assert shown == sorted(shown, key=lambda n: n.replace("Đ", "D")) and len(shown) == 5
    await page.get_by_role("link", name="Tổ", exact=True).click()  # and the other way round
    assert await names.all_inner_texts() == list(reversed(shown))
    await page.get_by_role("link", name="Buổi tháng này").click()
    counts = [int(t) for t in await page.locator("#teams tbody td:nth-child(4)").all_inner_texts()]
    assert counts == sorted(counts, reverse=True)

    await page.get_by_label("Chỉ tổ im lặng 2 tuần trở lên").check()
    await page.get_by_role("button", name="Lọc").click()
    await expect(page.locator("#teams .flag")).to_have_count(2)  # Phước Ninh and An Khê went quiet
    assert sorted(await names.all_inner_texts()) == ["Tổ An Khê", "Tổ Phước Ninh"]
    await page.get_by_role("link", name="Bỏ lọc").click()
    await page.get_by_role("searchbox").fill("hoa thuan")  # without diacritics
    await page.get_by_role("button", name="Lọc").click()
    await expect(names).to_have_text(["Tổ Hòa Thuận"])

    await page.get_by_role("link", name="English").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Teams")
    await expect(names).to_have_text(["Tổ Hòa Thuận"])  # the same table, in English
    await page.get_by_role("link", name="Tiếng Việt").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Các tổ")

    await page.get_by_role("button", name="Đăng xuất").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Đã đăng xuất")
    await page.go_back()
    await page.reload()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Bạn chưa đăng nhập")
    assert await page.locator("#teams").count() == 0


async def test_downloads_open(
    bot: tuple[Runtime, dict[str, int]], fake: FakeTelegram, browser: Any, tmp_path: Path
) -> None:
    _runtime, world = bot
    page = await signed_in_page(browser, fake, "desktop")
    await page.goto(page.url + "downloads")
    await page.get_by_label("Tháng báo cáo").select_option("2026-02")
    async with page.expect_download() as waiting:
        await page.get_by_role("button", name="Tải xuống").click()
    download = await waiting.value
    ward = world["ward"]
    assert download.suggested_filename == f"bao-cao-ward-{ward}-2026-02.docx"
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    report = Docx.load(saved.read_bytes())
    assert report.cell_lines(report.header, 0, 0)[0] == "ỦY BAN NHÂN DÂN"
    await page.get_by_label("Định dạng").select_option("xlsx")
    async with page.expect_download() as waiting:
        await page.get_by_role("button", name="Tải xuống").click()
    download = await waiting.value
    assert download.suggested_filename == f"phu-luc-bao-cao-ward-{ward}-2026-02.xlsx"
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    book = openpyxl.load_workbook(io.BytesIO(saved.read_bytes()))
    assert book.sheetnames[0] == "1. Theo nội dung" and book.sheetnames[-1] == "Data"
    assert any("THANH KHÊ" in str(c).upper() for sheet in book.worksheets
               for row in sheet.iter_rows(values_only=True) for c in row if c) is False  # fmt: skip

    await page.goto(page.url.split("/dashboard/")[0] + f"/dashboard/teams/{world['Hòa Thuận']}")
    async with page.expect_download() as waiting:
        await page.get_by_role("link", name="Tải CSV").click()
    csv_file = await waiting.value
    assert csv_file.suggested_filename == f"bao-cao-team-{world['Hòa Thuận']}-2026-03.csv"
    await csv_file.save_as(tmp_path / "team.csv")
    lines = (tmp_path / "team.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "service,sessions,people,succeeded,minutes" and len(lines) > 1
