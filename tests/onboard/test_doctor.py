"""`python -m bot doctor` against the fake Telegram and Zalo servers, with right and wrong settings."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.cli import main
from tests.fakes.fake_telegram import FakeTelegram
from tests.fakes.fake_zalo import FakeZalo

PUBLIC = "https://bot.phuong-haichau.example.vn"
TELEGRAM_TOKEN, ZALO_TOKEN = "123:ABC", "12345:zalo-secret"


async def health_server(status: int) -> web.AppRunner:
    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok" if status == 200 else "error"}, status=status)

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeTelegram, FakeZalo]]:
    async with FakeTelegram(token=TELEGRAM_TOKEN) as telegram, FakeZalo(token=ZALO_TOKEN) as zalo:
        yield telegram, zalo


async def register(base: str, token: str, url: str, secret: str) -> None:
    method = f"{base}{token}" if base.endswith("/bot") else f"{base}/bot{token}"
    async with aiohttp.ClientSession() as http:
        answer = await http.post(f"{method}/setWebhook", json={"url": url, "secret_token": secret})
        assert (await answer.json())["ok"]


async def doctor(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                 env: dict[str, str]) -> tuple[int, list[str]]:  # fmt: skip
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code = await asyncio.to_thread(main, ["doctor", "--timeout", "5"])
    return code, capsys.readouterr().out.strip().splitlines()


def settings_env(
    sqlite_url: str, telegram: FakeTelegram, zalo: FakeZalo, health_port: int
) -> dict[str, str]:
    return {
        "DATABASE_URL": sqlite_url,
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_API_BASE_URL": telegram.base_url,
        "TELEGRAM_WEBHOOK_SECRET": "telegram-secret",
        "ZALO_BOT_TOKEN": ZALO_TOKEN,
        "ZALO_API_BASE_URL": zalo.base_url,
        "ZALO_WEBHOOK_SECRET": "zalo-secret-123",
        "WEBHOOK_BASE_URL": PUBLIC,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{health_port}",
        "BOT_ADMINS": "telegram:1001,zalo:abc",
    }


async def test_a_healthy_deployment_passes_every_check(
    fakes: tuple[FakeTelegram, FakeZalo], sqlite_url: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    telegram, zalo = fakes
    monkeypatch.chdir(tmp_path)
    await register(
        telegram.base_url, TELEGRAM_TOKEN, PUBLIC + "/webhook/telegram", "telegram-secret"
    )
    await register(zalo.base_url, ZALO_TOKEN, PUBLIC + "/webhook/zalo", "zalo-secret-123")
    health = await health_server(200)
    try:
        port = int(health.addresses[0][1])
        code, lines = await doctor(
            monkeypatch, capsys, settings_env(sqlite_url, telegram, zalo, port)
        )
    finally:
        await health.cleanup()
    assert code == 0, lines
    checks = lines[:-1]
    assert lines[-1] == "All checks passed"
    assert all(line.startswith("[  ok]") for line in checks), checks
    names = [line.split("]", 1)[1].split(":", 1)[0].strip() for line in checks]
    assert names == ["database", "telegram token", "telegram webhook", "zalo token",
                     "zalo webhook", "public address", "time zone", "admins"]  # fmt: skip
    assert "bot tcns_test_bot" in lines[1]


async def test_every_wrong_setting_is_one_failing_line_saying_what_to_fix(
    fakes: tuple[FakeTelegram, FakeZalo], sqlite_url: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    telegram, zalo = fakes
    monkeypatch.chdir(tmp_path)
    await register(
        zalo.base_url, ZALO_TOKEN, "https://old.example.vn/webhook/zalo", "zalo-secret-123"
    )
    empty_db = tmp_path / "empty.db"
    empty_db.touch()  # exists, never migrated
    health = await health_server(503)
    try:
        env = settings_env(f"sqlite:///{empty_db}", telegram, zalo, int(health.addresses[0][1]))
        env |= {"TELEGRAM_BOT_TOKEN": "123:WRONG", "BOT_TIMEZONE": "Europe/Paris", "BOT_ADMINS": ""}
        code, lines = await doctor(monkeypatch, capsys, env)
    finally:
        await health.cleanup()
    assert code == 1
    text = "\n".join(lines)
    assert "[FAIL] database: at empty, head is" in text and "python -m bot db upgrade" in text
    assert "[FAIL] telegram token: TELEGRAM_BOT_TOKEN refused: Unauthorized" in text
    assert "123:WRONG" not in text  # a token is never printed
    assert "[FAIL] zalo webhook: registered at https://old.example.vn/webhook/zalo, expected " \
        f"{PUBLIC}/webhook/zalo" in text  # fmt: skip
    assert "[  ok] zalo token" in text
    assert "[FAIL] public address:" in text and "answered 503" in text
    assert "[FAIL] time zone: BOT_TIMEZONE is Europe/Paris" in text
    assert "[FAIL] admins: BOT_ADMINS is empty" in text
    assert lines[-1] == "6 check(s) failed"


async def test_unreachable_platform_missing_database_and_polling_mode(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    closed = await health_server(200)
    port = int(closed.addresses[0][1])
    await closed.cleanup()  # nothing listens there any more
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'nowhere' / 'bot.db'}",
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{port}/bot",
        "BOT_ADMINS": "zalo:abc",  # Zalo has no token here
    }
    code, lines = await doctor(monkeypatch, capsys, env)
    text = "\n".join(lines)
    assert code == 1
    assert "does not exist: python -m bot db upgrade" in text
    assert "[FAIL] telegram token: TELEGRAM_BOT_TOKEN no answer from http://127.0.0.1" in text
    assert "[skip] zalo token: ZALO_BOT_TOKEN not set" in text
    assert "[skip] webhooks: WEBHOOK_BASE_URL not set (polling mode)" in text
    assert "[FAIL] admins: zalo:abc: that channel has no token" in text
    assert not (tmp_path / "nowhere").exists()  # doctor never creates a database
