"""No raw personal data at rest: a real `python -m bot run --webhook`, then `python -m bot backup`.

Residents' messages carrying an ID number, a phone number and an OTP come in through the
Telegram and Zalo webhooks, bodies that are not updates are thrown at both endpoints, and the
bot is stopped. The backup file must hold none of those numbers: the raw update was deleted in
the transaction that applied it, the stored question is redacted, the junk was never stored,
and no deleted row survives in a free page.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from bot.channels.registry import TELEGRAM, ZALO
from bot.core.clock import SystemClock
from storage import inbox
from storage.db import Database
from tests.e2e.test_webhooks import TG_USER, telegram_update
from tests.fakes import FakeTelegram
from tests.fakes.fake_zalo import FakeZalo

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
TG_TOKEN = "4242:TEST-token"
ZALO_TOKEN = "3131:zalo-TEST-token"
TG_SECRET = "tg_secret-123"
ZALO_SECRET = "zalo_secret-456"
ZALO_USER = "a1b2c3d4e5f6"
TG_TEXT = "Cháu ơi CCCD của bác 052198765432, sđt (0935) 777 888, mã OTP 9 1 8 2 7 3 là gì"
ZALO_TEXT = "cccd 079 203 456 789 số +84 912.345.678 otp 482913 giúp tôi với"
SECRETS = [
    "052198765432", "(0935) 777 888", "0935777888", "9 1 8 2 7 3", "918273",
    "079 203 456 789", "079203456789", "912.345.678", "912345678", "482913", "0611223344",
]  # fmt: skip


def bot_env(database_url: str, tg: FakeTelegram, zalo: FakeZalo, port: int) -> dict[str, str]:
    """Return the environment of a bot serving both webhooks on a local port."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "BOT_"))}
    env.pop("PUBLIC_BASE_URL", None)
    env.pop("WEBHOOK_BASE_URL", None)
    env.update(
        DATABASE_URL=database_url,
        TELEGRAM_BOT_TOKEN=TG_TOKEN,
        TELEGRAM_API_BASE_URL=tg.base_url,
        TELEGRAM_WEBHOOK_SECRET=TG_SECRET,
        ZALO_BOT_TOKEN=ZALO_TOKEN,
        ZALO_API_BASE_URL=zalo.base_url,
        ZALO_WEBHOOK_SECRET=ZALO_SECRET,
        WEB_HOST="127.0.0.1",
        WEB_PORT=str(port),
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    return env


async def wait_until_healthy(http: aiohttp.ClientSession, base: str) -> None:
    """Poll /healthz until the bot answers (it is starting in another process)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            async with http.get(base + "/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.2)
    raise AssertionError("the bot did not start")


def inbox_rows(database_url: str) -> int:
    """Return how many rows the webhook inbox holds."""
    db = Database(database_url)
    try:
        return len(db.run_sync(lambda s: inbox.pending(s, before=SystemClock().now())))
    finally:
        db.close()


async def test_a_backup_after_webhook_messages_holds_no_id_phone_or_otp(
    sqlite_url: str, tmp_path: Path, free_tcp_port: int
) -> None:
    base = f"http://127.0.0.1:{free_tcp_port}"
    log = tmp_path / "bot.log"
    async with (
        FakeTelegram(token=TG_TOKEN) as tg,
        FakeZalo(token=ZALO_TOKEN) as zalo,
        aiohttp.ClientSession() as http,
    ):
        env = bot_env(sqlite_url, tg, zalo, free_tcp_port)
        with log.open("ab") as sink:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", "--webhook",
                cwd=tmp_path, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=sink,
            )  # fmt: skip
        try:
            await wait_until_healthy(http, base)
            tg_headers = {TELEGRAM.secret_header: TG_SECRET}
            async with http.post(
                base + "/webhook/telegram", json=telegram_update(5001, TG_TEXT), headers=tg_headers
            ) as response:
                assert response.status == 200
            await tg.wait_for("sendMessage", chat_id=TG_USER, timeout=60)
            update = zalo.message_update(ZALO_USER, text=ZALO_TEXT, message_id="z-5002")
            hook = base + "/webhook/zalo"
            assert await zalo.deliver_webhook(hook, update, secret=ZALO_SECRET) == 200
            await zalo.wait_for("sendMessage", chat_id=ZALO_USER, timeout=60)
            junk = {"cccd": "0611223344", "note": "not an update"}
            async with http.post(
                base + "/webhook/telegram", json=junk, headers=tg_headers
            ) as response:
                assert response.status == 200, "answered, so that it is not sent again"
            async with http.post(
                hook, json={"ok": True, "result": junk}, headers={ZALO.secret_header: ZALO_SECRET}
            ) as response:
                assert response.status == 200
        finally:
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 60) == 0
    text = log.read_text()
    assert "Dropped a telegram webhook body that is not an update" in text
    assert "Dropped a zalo webhook body that is not an update" in text
    assert inbox_rows(sqlite_url) == 0
    backup = tmp_path / "backup.sqlite"
    backup_run = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "backup", "-o", str(backup),
        cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _out, errors = await asyncio.wait_for(backup_run.communicate(), 120)
    assert backup_run.returncode == 0, errors.decode()
    content = backup.read_bytes()
    assert b"Gi\xc3\xa1" in content or b"cccd" in content, "the (redacted) questions are there"
    for secret in SECRETS:
        assert secret.encode() not in content, secret
