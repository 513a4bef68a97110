"""Durable polling: an update read with getUpdates survives a SIGKILL before it is applied.

A real `python -m bot run` polls the fake Zalo. The fake hands it an update, then holds the
bot's first call for that update (the "typing…" indicator, sent before the dispatcher runs),
and the test kills the process right there. Zalo will not hand the update out again (there is
no offset to rewind), so only the inbox can save it: the next start replays it, once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.core.clock import SystemClock
from bot.core.i18n import default_translations
from storage import inbox
from storage.db import Database
from tests.fakes.fake_zalo import FakeZalo

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
TOKEN = "3131:zalo-TEST-token"
USER = "c0ffee00aa11bb22cc33"


def polling_env(database_url: str, api_base_url: str) -> dict[str, str]:
    """Return the environment of a bot polling the fake Zalo (no other channel, no web server)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "BOT_"))}
    env.pop("PUBLIC_BASE_URL", None)
    env.pop("WEBHOOK_BASE_URL", None)
    env.update(
        DATABASE_URL=database_url,
        ZALO_BOT_TOKEN=TOKEN,
        ZALO_API_BASE_URL=api_base_url,
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    return env


async def spawn(env: dict[str, str], log: Path, cwd: Path) -> asyncio.subprocess.Process:
    """Start `python -m bot run` (polling); its log goes to a file."""
    with log.open("ab") as sink:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run",
            cwd=cwd, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=sink,
        )  # fmt: skip


def stored_updates(database_url: str) -> list[str]:
    """Return the message ids of the polled updates waiting in the inbox."""
    db = Database(database_url)
    try:
        items = db.run_sync(lambda s: inbox.pending(s, before=SystemClock().now()))
        return [str(item.body["message"]["message_id"]) for item in items]
    finally:
        db.close()


async def test_update_polled_before_a_sigkill_is_replayed_once_after_restart(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with FakeZalo(token=TOKEN) as fake:
        env = polling_env(sqlite_url, fake.base_url)
        process = await spawn(env, tmp_path / "first.log", tmp_path)
        try:
            await fake.wait_for_poller(timeout=90)  # started: getMe, deleteWebhook, polling
            hold = fake.hold("sendChatAction")
            fake.push_text(USER, "/lang", message_id="polled-0001")
            await asyncio.wait_for(hold.holding.wait(), 60)  # read, stored, being processed
        finally:
            process.send_signal(signal.SIGKILL)
            await asyncio.wait_for(process.wait(), 60)
        assert stored_updates(sqlite_url) == ["polled-0001"], "stored before it was processed"
        assert not fake.texts_to(USER)
        fake.unhold("sendChatAction")
        assert fake.calls_of("getMe"), "the bot asked who it is"
        process = await spawn(env, tmp_path / "second.log", tmp_path)
        try:
            menu = await fake.wait_for("sendMessage", chat_id=USER, timeout=90)
            await fake.wait_for_poller(timeout=60)
        finally:
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 60) == 0
    vi = default_translations("vi").get("vi")
    assert menu.params["text"].startswith(vi.text("lang.choose"))
    assert fake.texts_to(USER) == [menu.params["text"]], "replayed once, answered once"
    assert stored_updates(sqlite_url) == [], "applied updates leave the inbox"
    log = (tmp_path / "first.log").read_text() + (tmp_path / "second.log").read_text()
    assert TOKEN.split(":")[1] not in log
