"""A Zalo-only leader gets reports, hours and charts: links to the bot's own web server.

The bot runs as `python -m bot run` does (polling, with PUBLIC_BASE_URL set, so the web server
serves /files/ in polling mode too) against the fake Zalo; the test opens the links it sends.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from urllib.parse import unquote

import aiohttp
import openpyxl
import pytest
from sqlmodel import Session, select

from bot.app import App, build_app
from bot.core.clock import FixedClock
from bot.core.messages import Address, Delivery, Document, Reply
from bot.runtime import RunOptions, Runtime
from bot.settings import Settings
from storage import assists, people, teams
from storage.assists import ItemInput
from storage.files import StoredFile
from storage.models import Membership
from tests.fakes.fake_zalo import FakeZalo
from tests.reports.documents import Docx

pytestmark = pytest.mark.e2e
ZALO_TOKEN = "3131:zalo-TEST-token"
LEADER = "f00dcafe0a1b2c3d4e5f"
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/files/[A-Za-z0-9_-]{43})")


async def no_sleep(seconds: float) -> None:
    """Skip the channel's waits."""


def free_port() -> int:
    """Return a loopback port nobody listens on now (the bot binds it right after)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Team:
    """The seeded team: its id, and the week's figures the report must show."""

    team_id: int
    sessions: int = 0
    people: int = 0
    succeeded: int = 0
    minutes: int = 0


def seed(app: App) -> Team:
    """Create Tổ 12 with a Zalo-only leader and two logged sessions this month."""
    now = app.parts.clock.now()
    found = Team(0)

    def work(session: Session) -> None:
        team = teams.create_team(
            session, ward_name="Phường Hải Châu", name="Tổ 12", areas=["Tổ dân phố 1"], now=now
        )
        assert team.id is not None
        found.team_id = team.id
        leader = people.ensure_person(
            session, channel="zalo", user_id=LEADER, chat_id=LEADER, now=now
        )
        assert leader.id is not None
        session.add(Membership(person_id=leader.id, team_id=team.id, role="leader", joined_at=now))
        for day, helped, ok, minutes in (
            (date(2026, 3, 2), 3, 2, 90),
            (date(2026, 3, 3), 4, 4, 45),
        ):
            assists.add_assist(
                session, person_id=leader.id, team_id=team.id, area_id=None, day=day,
                received_at=now, minutes=minutes, channel="zalo", note="", out_of_hours=False,
                day_kind="workday", items=[ItemInput("vneid_level2", helped, ok, ())],
            )  # fmt: skip
            found.sessions += 1
            found.people += helped
            found.succeeded += ok
            found.minutes += minutes

    app.db.run_sync(work)
    return found


@pytest.fixture
async def fake() -> AsyncIterator[FakeZalo]:
    async with FakeZalo(token=ZALO_TOKEN) as server:
        yield server


def zalo_settings(settings: Settings, fake: FakeZalo, public: bool) -> Settings:
    port = free_port()
    return replace(
        settings,
        web_port=port,
        public_base_url=f"http://127.0.0.1:{port}" if public else "",
    ).with_channel("zalo", token=ZALO_TOKEN, api_base_url=fake.base_url)


@pytest.fixture
async def bot(
    settings: Settings, clock: FixedClock, fake: FakeZalo
) -> AsyncIterator[tuple[Runtime, Team]]:
    """The bot polling the fake Zalo, with a public address (web server on in polling mode)."""
    core = build_app(zalo_settings(settings, fake, public=True), clock=clock, migrate=False)
    team = seed(core)
    runtime = Runtime(core, RunOptions(zalo_poll_timeout=1, sleep=no_sleep))
    await runtime.start()
    try:
        yield runtime, team
    finally:
        await runtime.stop()
        core.close()


def vi(app: App, key: str, **params: object) -> str:
    """Return a Vietnamese catalog text."""
    return app.parts.translations.get("vi").text(key, **params)


async def fetch(http: aiohttp.ClientSession, url: str) -> tuple[int, dict[str, str], bytes]:
    async with http.get(url) as response:
        return response.status, dict(response.headers), await response.read()


async def test_report_arrives_as_two_links_with_the_key_figures_docx_and_xlsx_open(
    bot: tuple[Runtime, Team], fake: FakeZalo, http: aiohttp.ClientSession
) -> None:
    runtime, team = bot
    assert runtime.server is not None, "PUBLIC_BASE_URL turns the web server on in polling mode"
    assert not fake.calls_of("setWebhook") and fake.calls_of("deleteWebhook")
    fake.push_text(LEADER, "/report 2026-03")
    message = (await fake.wait_for("sendMessage", chat_id=LEADER)).params["text"]
    figures = vi(
        runtime.core, "rep.figures", sessions=team.sessions, people=team.people,
        succeeded=team.succeeded, duration=vi(runtime.core, "digest.duration", hours=2, minutes=15),
    )  # fmt: skip
    assert message.startswith("Báo cáo tháng 03/2026 (01/03/2026–31/03/2026)\n" + figures)
    [url] = LINK.findall(message)
    assert "đến 09:00 ngày 11/03/2026. Ai có liên kết" in message  # in 7 days
    status, headers, body = await fetch(http, url)
    assert status == 200
    assert headers["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    name = f"bao-cao-team-{team.team_id}-2026-03.docx"
    assert headers["Content-Disposition"] == (
        f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    )
    assert headers["Cache-Control"] == "private, no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"
    report = Docx.load(body)
    assert (
        report.cell_lines(report.header, 0, 0)[1] == "TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG VÀ ĐỀ ÁN 06 TỔ 12"
    )
    assert f"- Số lượt người được hỗ trợ: {team.people} lượt." in report.lines()
    appendix = (await fake.wait_for("sendMessage", chat_id=LEADER)).params["text"]
    assert appendix.startswith(vi(runtime.core, "rep.appendix_caption", month="03/2026"))
    status, headers, body = await fetch(http, LINK.findall(appendix)[0])
    assert status == 200 and f"phu-luc-{name[:-5]}.xlsx" in headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert book.sheetnames == [
        "1. Theo nội dung",
        "2. Tuyên truyền, lớp học",
        "3. Chỉ tiêu",
        "4. Nguyên nhân",
        "Data",
    ]
    rows = {row[0]: row[1:] for row in book["Data"].iter_rows(min_row=2, values_only=True)}
    assert rows["vneid_level2"] == (team.sessions, team.people, team.succeeded, team.minutes)


async def test_report_csv_and_hours_xlsx_links_download_their_files(
    bot: tuple[Runtime, Team], fake: FakeZalo, http: aiohttp.ClientSession
) -> None:
    runtime, team = bot
    fake.push_text(LEADER, "/report 2026-03 csv")
    message = (await fake.wait_for("sendMessage", chat_id=LEADER)).params["text"]
    status, headers, body = await fetch(http, LINK.findall(message)[0])
    assert status == 200 and headers["Content-Type"] == "text/csv; charset=utf-8"
    data = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert data[0] == ["service", "sessions", "people", "succeeded", "minutes"]
    assert ["vneid_level2", "2", "7", "6", "135"] in data
    fake.push_text(LEADER, "/hours 2026-03 xlsx")
    summary = (await fake.wait_for("sendMessage", chat_id=LEADER)).params["text"]
    assert summary.startswith("⏱️")
    link_message = (await fake.wait_for("sendMessage", chat_id=LEADER)).params["text"]
    assert link_message.startswith(
        vi(runtime.core, "hours.file_caption", team="Tổ 12", month="03/2026")
    )
    status, headers, body = await fetch(http, LINK.findall(link_message)[0])
    assert status == 200 and f"gio-{team.team_id}-2026-03.xlsx" in headers["Content-Disposition"]
    assert openpyxl.load_workbook(io.BytesIO(body)).sheetnames


async def test_digest_chart_goes_out_with_send_photo_by_url(
    bot: tuple[Runtime, Team], fake: FakeZalo, http: aiohttp.ClientSession
) -> None:
    runtime, _team = bot
    fake.push_text(LEADER, "/digest nay")
    photo = await fake.wait_for("sendPhoto", chat_id=LEADER)
    assert photo.params["caption"] == vi(
        runtime.core, "digest.chart_caption", team="Tổ 12", weeks=8, end="08/03"
    )
    text = (await fake.wait_for("sendMessage", chat_id=LEADER)).params["text"]
    assert "📊" in text
    status, headers, body = await fetch(http, photo.params["photo"])
    assert status == 200 and headers["Content-Type"] == "image/png"
    assert headers["Content-Disposition"].startswith("inline;")
    assert body.startswith(b"\x89PNG\r\n\x1a\n")


async def test_expired_unknown_and_malformed_links_all_get_the_same_404(
    bot: tuple[Runtime, Team],
    clock: FixedClock,
    http: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    runtime, _team = bot
    assert runtime.files is not None and runtime.server is not None
    name = "Báo cáo tháng 3 – Tổ 12.xlsx"
    link = await runtime.files.save(b"PK\x03\x04 report", name)
    status, headers, body = await fetch(http, link.url)
    assert status == 200 and body == b"PK\x03\x04 report"
    disposition = headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Bao_cao_thang_3___To_12.xlsx"; ')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == name
    stored = runtime.core.db.run_sync(lambda s: list(s.exec(select(StoredFile))))
    assert link.token not in {row.token_hash for row in stored}, "only the token's hash is kept"
    answers = set()
    clock.advance(timedelta(days=7, seconds=1))
    for url in (
        link.url,  # expired
        link.url[:-4] + "AAAA",  # unknown
        runtime.server.url + "/files/..%2F..%2Fetc%2Fpasswd",  # malformed
        runtime.server.url + "/files/" + "A" * 200,
    ):
        status, headers, body = await fetch(http, url)
        answers.add((status, body, headers.get("Cache-Control")))
    assert answers == {(404, b"Not found", "private, no-store")}
    assert link.token not in caplog.text, "a link's token is a credential: never logged"
    assert "GET /files/<token> 404" in caplog.text


async def test_without_public_address_there_is_no_server_and_the_message_names_the_setting(
    settings: Settings, clock: FixedClock, fake: FakeZalo
) -> None:
    core = build_app(zalo_settings(settings, fake, public=False), clock=clock, migrate=False)
    seed(core)
    runtime = Runtime(core, RunOptions(zalo_poll_timeout=1, sleep=no_sleep))
    await runtime.start()
    try:
        assert runtime.server is None
        fake.push_text(LEADER, "/report")
        message = (await fake.wait_for("sendMessage", chat_id=LEADER)).params["text"]
    finally:
        await runtime.stop()
        core.close()
    assert "PUBLIC_BASE_URL" in message and "/files/" not in message
    assert "trò chuyện web" not in message


async def test_web_chat_downloads_come_from_the_durable_store_and_survive_a_restart(
    settings: Settings, clock: FixedClock, http: aiohttp.ClientSession
) -> None:
    browser = "Browser_ID-0123456789abcdef"
    report = Document("huong-dan.pdf", b"%PDF-1.4 fake", caption="Hướng dẫn VNeID")
    web_only = replace(settings, web_port=0)
    core = build_app(web_only, clock=clock, migrate=False)
    runtime = Runtime(core, RunOptions())
    await runtime.start()
    try:
        await core.dispatcher.deliver([Delivery(Address("web", browser), Reply(document=report))])
        assert runtime.server is not None
        async with http.get(
            runtime.server.url + "/web/api/poll", params={"browser_id": browser}
        ) as resp:
            [reply] = (await resp.json())["replies"]
    finally:
        await runtime.stop()
        core.close()
    core = build_app(web_only, clock=clock, migrate=False)  # a restart: nothing in memory
    runtime = Runtime(core, RunOptions())
    await runtime.start()
    try:
        assert runtime.server is not None
        status, headers, body = await fetch(
            http, runtime.server.url + "/web/" + reply["files"][0]["url"]
        )
    finally:
        await runtime.stop()
        core.close()
    assert status == 200 and body == report.content
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Cache-Control"] == "private, no-store"
