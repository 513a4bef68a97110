"""No personal data at rest or in logs: ID numbers, phone numbers and the bot token never stored.

Residents type what they really type (a 12-digit CCCD, phone numbers, an OTP, a password),
volunteers put the same in a session note, leaders create and share invite codes, and all
of it goes through the dispatcher and through the real PTB client against the fake Bot API
with every logger at DEBUG. Then every value of every table and every captured log line is
scanned. Features that are not registered (yet) are skipped, so the scan grows with the bot.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select

from bot.app import App, build_app
from bot.channels.telegram import TelegramChannel
from bot.cli import main
from bot.core.clock import FixedClock
from bot.settings import Settings
from storage import people, teams
from storage.models import Membership
from tests.factories import Harness
from tests.fakes import FakeTelegram

TOKEN = "4242:TEST-token-do-not-log"
ID_NUMBER = "079201001234"
PHONE = "0905123456"
PHONE_INTL = "+84 905 123 456"
OTP = "mã OTP 123456"
PASSWORD = "Abc@1234"
RESIDENT_TEXTS = (
    f"Tôi muốn làm lại CCCD, số {ID_NUMBER}, gọi cho tôi {PHONE} nhé",
    f"số điện thoại của tôi là {PHONE_INTL}",
    f"{OTP} là gì, có đưa cho ai được không?",
    f"mk: {PASSWORD} đăng nhập VNeID không được",
    f"/faq quên mật khẩu VNeID, CCCD {ID_NUMBER} sđt {PHONE}",
)
NOTE = f"bà cụ CCCD {ID_NUMBER}, sđt {PHONE}, mk: {PASSWORD}"
QUICK_LOG = f"/log vneid2 3 dvc 1 45p -- {NOTE}"
# What must never be found: 12-digit runs (CCCD), Vietnamese mobile numbers in any spacing,
# the bot token or its secret half, the planted password.
ID12 = re.compile(r"(?<!\d)\d{12}(?!\d)")
MOBILE = re.compile(r"(?<![\d+])(?:\+?84[\s.-]?|0)(?:3|5|7|8|9)\d(?:[\s.-]?\d){7}(?!\d)")
FORBIDDEN = (TOKEN, TOKEN.split(":", 1)[1], PASSWORD, "905 123 456", "905123456")


def leaks(text: str) -> list[str]:
    """Return every forbidden thing found in a text."""
    found = [m.group() for m in ID12.finditer(text)] + [m.group() for m in MOBILE.finditer(text)]
    return found + [needle for needle in FORBIDDEN if needle in text]


def stored_values(app: App) -> Iterator[tuple[str, str]]:
    """Yield (table.column, value as text) for every non-binary value in the database."""
    metadata = MetaData()
    metadata.reflect(app.db.engine)
    with app.db.engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(select(table)).mappings():
                for column, value in row.items():
                    if value is None or isinstance(value, bytes | memoryview):
                        continue
                    shown = value if isinstance(value, str) else json.dumps(value, default=str)
                    yield f"{table.name}.{column}", shown


def assert_nothing_stored(app: App) -> None:
    """Scan every value in the database; name the column of each finding."""
    findings = [(where, leaks(value)) for where, value in stored_values(app)]
    stored = [f"{where}: {found}" for where, found in findings if found]
    assert not stored, "personal data stored:\n" + "\n".join(stored)


def assert_nothing_logged(records: list[logging.LogRecord]) -> None:
    """Scan log records (message and traceback); name the logger of each finding."""
    logged = [
        f"{record.name}: {found}"
        for record in records
        if (found := leaks(record.getMessage() + (record.exc_text or "")))
    ]
    assert not logged, "personal data logged:\n" + "\n".join(logged)


def invite_code(text: str) -> str:
    """Return the invite code of an 'invite created' reply (its last '/start CODE')."""
    codes = re.findall(r"/start ([A-Za-z0-9_-]+)", text)
    assert codes, text
    return str(codes[-1])


def make_leader(app: App, user_id: str, channel: str) -> int:
    """Create a team led by this account; return the team id."""
    now = app.parts.clock.now()

    def work(session: object) -> int:
        from sqlmodel import Session

        assert isinstance(session, Session)
        team = teams.create_team(
            session, ward_name="Phường Hải Châu", name="Tổ 12", areas=[], now=now
        )
        person = people.ensure_person(
            session, channel=channel, user_id=user_id, chat_id=user_id, now=now
        )
        session.add(
            Membership(person_id=person.id or 0, team_id=team.id or 0, role="leader", joined_at=now)
        )
        return team.id or 0

    return app.db.run_sync(work)


async def no_sleep(seconds: float) -> None:
    """Skip the channel's waits."""


@pytest.fixture
def debug_logs(
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    sqlite_url: str,
) -> Iterator[pytest.LogCaptureFixture]:
    """Log like `python -m bot -v ...`: the CLI's own logger levels, everything else at DEBUG."""
    manager = logging.root.manager
    saved = {
        name: logger.level
        for name, logger in manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.chdir(tmp_path)
    assert main(["-v", "db", "current"]) == 0  # applies the CLI's logging set-up
    caplog.set_level(logging.DEBUG)
    yield caplog
    for name, logger in manager.loggerDict.items():
        if isinstance(logger, logging.Logger):
            logger.setLevel(saved.get(name, logging.NOTSET))


async def test_dispatcher_path_stores_and_logs_no_personal_data(
    settings: Settings, clock: FixedClock, debug_logs: pytest.LogCaptureFixture
) -> None:
    app = build_app(
        replace(settings).with_channel("telegram", token=TOKEN), clock=clock, migrate=False
    )
    try:
        harness = Harness(app)
        commands = app.dispatcher.router.commands
        resident = harness.user("r1", name="Bác Tư")
        await resident.say("/start")
        for text in RESIDENT_TEXTS:
            await resident.say(text)
        await resident.press(f"faq:{PHONE}")
        make_leader(app, "l1", "test")
        leader = harness.user("l1", name="Chị Hoa")
        await leader.say("/invite volunteer")
        volunteer = harness.user("v1", name="Anh Nam")
        await volunteer.say(f"/start {invite_code(leader.text())}")
        if "log" in commands:
            await volunteer.say(QUICK_LOG)
            if "lg:save" in volunteer.payloads():
                await volunteer.press("lg:save")
            await volunteer.say("/log vneid2 1 30p")
            await volunteer.say(f"gọi {PHONE_INTL} không được, CCCD {ID_NUMBER}")
            if "lg:save" in volunteer.payloads():
                await volunteer.press("lg:save")
        for command in ("mine", "privacy", "export"):
            if command in commands:
                await volunteer.say(f"/{command}")
        assert_nothing_stored(app)
        assert_nothing_logged(debug_logs.records)
    finally:
        app.close()


@pytest.mark.parametrize(
    "scope",
    ["bot", "library"],
)
async def test_telegram_path_stores_and_logs_no_personal_data(
    settings: Settings, clock: FixedClock, debug_logs: pytest.LogCaptureFixture, scope: str
) -> None:
    tg_settings = replace(settings).with_channel("telegram", token=TOKEN, username="")
    async with FakeTelegram(token=TOKEN) as fake:
        app = build_app(tg_settings, clock=clock, migrate=False)
        channel = TelegramChannel(
            token=TOKEN,
            base_url=fake.base_url,
            dispatcher=app.dispatcher,
            translations=app.parts.translations,
            poll_timeout=1,
            sleep=no_sleep,
        )
        await channel.start_polling()
        try:
            resident = 3131
            for text in RESIDENT_TEXTS:
                fake.push_text(user_id=resident, text=text, first_name="Bác Tư")
                await fake.wait_for("sendMessage", chat_id=resident, timeout=10)
            team = make_leader(app, "3232", "telegram")
            assert team
            fake.push_text(user_id=3232, text="/invite volunteer")
            invited = await fake.wait_for("sendMessage", chat_id=3232, timeout=10)
            code = invite_code(str(invited.params["text"]))
            fake.push_text(user_id=3333, text=f"/start {code}")
            await fake.wait_for("sendMessage", chat_id=3333, timeout=10)
            if "log" in app.dispatcher.router.commands:
                fake.push_text(user_id=3333, text=QUICK_LOG)
                card = await fake.wait_for(
                    "sendMessage", chat_id=3333, timeout=10, where=lambda p: "lg:save" in str(p)
                )
                fake.push_callback(3333, "lg:save", message_id=card.result["message_id"])
                await fake.wait_for("sendMessage", chat_id=3333, timeout=10)
        finally:
            await channel.stop()
        try:
            assert_nothing_stored(app)
        finally:
            app.close()
    # The fake Bot API's own access log ('aiohttp.access', /bot<TOKEN>/... paths) is not the
    # bot's: in polling mode the bot runs no web server. PTB's loggers are checked separately.
    ours = [r for r in debug_logs.records if not r.name.startswith(("aiohttp.access", "telegram"))]
    library = [r for r in debug_logs.records if r.name.startswith("telegram")]
    assert_nothing_logged(ours if scope == "bot" else library)
