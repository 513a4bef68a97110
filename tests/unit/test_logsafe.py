"""No secret or token in logs (issue 12, point 9): one filter on the log handlers masks the
bot tokens, webhook secrets and the database password wherever they appear, and a real bot
process whose Bot API endpoint redirects logs no token."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from bot.logsafe import MASK, SecretMask, install, settings_secrets
from bot.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "7000111222:AAH-secret_part-of-the-token-0123456789"
HOOK_SECRET = "hook_secret-0123456789"
DB_PASSWORD = "Pg-pa55word"


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger writing through one handler with the mask installed, like `python -m bot`."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("test.logsafe")
    root.handlers, root.propagate, root.level = [handler], False, logging.DEBUG
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_WEBHOOK_SECRET": HOOK_SECRET,
            "DATABASE_URL": f"postgresql://tcns:{DB_PASSWORD}@db.internal/tcns",
        },
        dotenv=None,
    )
    install(settings_secrets(settings), root)
    yield root, stream
    root.handlers = []


def test_secrets_in_messages_arguments_and_tracebacks_are_masked(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    url = f"https://api.telegram.org/bot{TOKEN}/getMe"
    child = logging.getLogger("test.logsafe.child")  # records from any library's logger
    child.warning("Redirected to %s", url)
    logger.info("secret header was %s", HOOK_SECRET)
    logger.error("connecting with postgresql://tcns:%s@db.internal/tcns", DB_PASSWORD)
    try:
        raise aiohttp.TooManyRedirects(
            aiohttp.RequestInfo(URL(url), "POST", CIMultiDictProxy(CIMultiDict())),
            (),
        )
    except aiohttp.ClientError:
        logger.exception("Bot API call failed")
    logger.warning("someone else's token 123456789:%s", "A" * 35)
    written = stream.getvalue()
    for secret in (TOKEN, TOKEN.split(":")[1], HOOK_SECRET, DB_PASSWORD, "A" * 35):
        assert secret not in written
    assert written.count(MASK) == 5
    assert "Traceback" in written and "TooManyRedirects" in written, "the rest stays readable"


def test_a_record_without_secrets_is_left_alone() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "took %.1f s for %d updates", (1.5, 3), None
    )
    assert SecretMask(["abcdef"]).filter(record)
    assert record.getMessage() == "took 1.5 s for 3 updates"
    assert record.args == (1.5, 3)


@pytest.fixture
async def redirecting_api() -> AsyncIterator[str]:
    """A Bot API endpoint that redirects every call to itself (the token is in each URL)."""

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound(str(request.url.with_path("/moved" + request.path)))

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", redirect)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/bot"
    finally:
        await runner.cleanup()


async def test_a_bot_process_talking_to_a_redirecting_api_logs_no_token(
    redirecting_api: str, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "BOT_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=redirecting_api,
        TELEGRAM_WEBHOOK_SECRET=HOOK_SECRET,
        WEB_PORT="0",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--webhook",
        cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 120)
    written = (out + err).decode(errors="replace")
    assert process.returncode == 1, written[-3000:]  # getMe cannot succeed: it stops
    assert "getMe" in written, "the failure is logged"
    assert TOKEN not in written and TOKEN.split(":")[1] not in written, written[-3000:]
    assert HOOK_SECRET not in written
