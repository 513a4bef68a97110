"""Webhook mode: one aiohttp server for Telegram and Zalo, secrets checked, work done after 200."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlmodel import select

from bot.app import App, build_app
from bot.channels.registry import TELEGRAM, ZALO
from bot.core.clock import FixedClock
from bot.runtime import RunOptions, Runtime, check_options
from bot.settings import Settings, SettingsError, load_settings
from bot.web.metrics import Metrics
from bot.web.server import WebServer
from bot.web.tasks import BackgroundTasks
from bot.web.webhooks import WebhookEndpoint
from storage.models import ProcessedUpdate
from tests.fakes import FakeTelegram
from tests.fakes.fake_zalo import FakeZalo

pytestmark = pytest.mark.e2e
TG_TOKEN = "4242:TEST-token"
ZALO_TOKEN = "3131:zalo-TEST-token"
TG_SECRET = "tg_secret-123"
ZALO_SECRET = "zalo_secret-456"
TG_USER = 777
ZALO_USER = "a1b2c3d4e5f6"
ROOT = Path(__file__).resolve().parents[2]


class Sleeps:
    """Records waits instead of waiting."""

    async def __call__(self, seconds: float) -> None:
        return None


def vi(app: App, key: str, **params: object) -> str:
    """Return a Vietnamese catalog text."""
    return app.parts.translations.get("vi").text(key, **params)


def telegram_update(update_id: int, text: str, user_id: int = TG_USER) -> dict[str, Any]:
    """Return a Bot API update carrying a private text message."""
    user = {"id": user_id, "is_bot": False, "first_name": "An", "language_code": "vi"}
    message: dict[str, Any] = {
        "message_id": update_id,
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private", "first_name": "An"},
        "from": user,
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": message}


@pytest.fixture
async def tg_fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TG_TOKEN) as server:
        yield server


@pytest.fixture
async def zalo_fake() -> AsyncIterator[FakeZalo]:
    async with FakeZalo(token=ZALO_TOKEN) as server:
        yield server


@pytest.fixture
def hook_settings(settings: Settings, tg_fake: FakeTelegram, zalo_fake: FakeZalo) -> Settings:
    return (
        replace(settings, webhook_base_url="https://bot.example.org", web_port=0)
        .with_channel(
            "telegram", token=TG_TOKEN, api_base_url=tg_fake.base_url, webhook_secret=TG_SECRET
        )
        .with_channel(
            "zalo", token=ZALO_TOKEN, api_base_url=zalo_fake.base_url, webhook_secret=ZALO_SECRET
        )
    )


@pytest.fixture
async def runtime(hook_settings: Settings, clock: FixedClock) -> AsyncIterator[Runtime]:
    core = build_app(hook_settings, clock=clock, migrate=False)
    running = Runtime(core, RunOptions(webhook=True, register_webhooks=True, sleep=Sleeps()))
    await running.start()
    try:
        yield running
    finally:
        await running.stop()
        core.close()


def url(runtime: Runtime, path: str) -> str:
    assert runtime.server is not None
    return runtime.server.url + path


def processed(runtime: Runtime, channel: str) -> list[str]:
    rows = runtime.core.db.run_sync(
        lambda s: list(s.exec(select(ProcessedUpdate).where(ProcessedUpdate.channel == channel)))
    )
    return sorted(row.update_id for row in rows)


async def test_webhooks_are_registered_with_their_secrets(
    runtime: Runtime, tg_fake: FakeTelegram, zalo_fake: FakeZalo
) -> None:
    assert tg_fake.webhook is not None
    assert tg_fake.webhook["url"] == "https://bot.example.org/webhook/telegram"
    assert tg_fake.webhook["secret_token"] == TG_SECRET
    assert zalo_fake.webhook == {
        "url": "https://bot.example.org/webhook/zalo",
        "secret_token": ZALO_SECRET,
    }
    assert not tg_fake.calls_of("getUpdates") and not zalo_fake.calls_of("getUpdates")
    assert zalo_fake.calls_of("getMe"), "Zalo learns its own id in webhook mode too"


async def test_telegram_update_goes_through_ptb_and_the_dispatcher(
    runtime: Runtime, tg_fake: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    body = telegram_update(1001, "/lang")
    async with http.post(
        url(runtime, "/webhook/telegram"), json=body, headers={TELEGRAM.secret_header: TG_SECRET}
    ) as response:
        assert response.status == 200
    menu = await tg_fake.wait_for("sendMessage", chat_id=TG_USER)
    assert menu.params["text"] == vi(runtime.core, "lang.choose")
    update_id = tg_fake.push_callback(user_id=TG_USER, data="lang:en")
    press = tg_fake.update(update_id)
    async with http.post(
        url(runtime, "/webhook/telegram"), json=press, headers={TELEGRAM.secret_header: TG_SECRET}
    ) as response:
        assert response.status == 200
    await tg_fake.wait_for("answerCallbackQuery")
    done = await tg_fake.wait_for("sendMessage", chat_id=TG_USER)
    assert done.params["text"] == runtime.core.parts.translations.get("en").text("lang.set")


@pytest.mark.parametrize("secret", [None, "wrong-secret", TG_SECRET + "x", ""])
async def test_telegram_wrong_or_missing_secret_is_refused(
    runtime: Runtime, tg_fake: FakeTelegram, http: aiohttp.ClientSession, secret: str | None
) -> None:
    headers = {TELEGRAM.secret_header: secret} if secret is not None else {}
    body = telegram_update(2002, "/help")
    async with http.post(url(runtime, "/webhook/telegram"), json=body, headers=headers) as resp:
        assert resp.status == 403
    assert len(runtime.tasks) == 0
    await runtime.tasks.wait_idle()
    assert processed(runtime, "telegram") == []
    assert not tg_fake.calls_of("sendMessage")
    metrics = runtime.metrics.render().decode()
    assert 'bot_webhook_rejected_total{channel="telegram",reason="secret"} 1.0' in metrics


@pytest.mark.parametrize("wrapped", [True, False], ids=["ok-result-envelope", "bare-event"])
async def test_zalo_webhook_accepts_both_envelopes(
    runtime: Runtime, zalo_fake: FakeZalo, wrapped: bool
) -> None:
    update = zalo_fake.message_update(ZALO_USER, text="/lang", message_id=f"z-{wrapped}")
    status = await zalo_fake.deliver_webhook(
        url(runtime, "/webhook/zalo"), update, secret=ZALO_SECRET, wrapped=wrapped
    )
    assert status == 200
    menu = await zalo_fake.wait_for("sendMessage", chat_id=ZALO_USER)
    assert "1. Tiếng Việt" in menu.params["text"]
    again = await zalo_fake.deliver_webhook(
        url(runtime, "/webhook/zalo"), update, secret=ZALO_SECRET, wrapped=wrapped
    )
    assert again == 200
    await runtime.tasks.wait_idle()
    assert len(zalo_fake.texts_to(ZALO_USER)) == 1, "a redelivered message has no effect"
    assert processed(runtime, "zalo") == [f"z-{wrapped}"]


@pytest.mark.parametrize("secret", [None, "wrong-secret-1", ZALO_SECRET.upper()])
async def test_zalo_wrong_or_missing_secret_is_refused(
    runtime: Runtime, zalo_fake: FakeZalo, secret: str | None
) -> None:
    update = zalo_fake.message_update(ZALO_USER, text="/help", message_id="z-bad")
    status = await zalo_fake.deliver_webhook(url(runtime, "/webhook/zalo"), update, secret=secret)
    assert status == 403
    assert len(runtime.tasks) == 0
    assert processed(runtime, "zalo") == []
    assert not zalo_fake.calls_of("sendMessage")


async def test_bad_bodies_are_refused_and_health_and_metrics_answer(
    runtime: Runtime, tg_fake: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    async with http.post(
        url(runtime, "/webhook/zalo"), data=b"not json", headers={ZALO.secret_header: ZALO_SECRET}
    ) as response:
        assert response.status == 400
    async with http.post(
        url(runtime, "/webhook/telegram"),
        json=telegram_update(3003, "/help"),
        headers={TELEGRAM.secret_header: TG_SECRET},
    ) as response:
        assert response.status == 200
    await tg_fake.wait_for("sendMessage", chat_id=TG_USER)
    await runtime.tasks.wait_idle()
    async with http.get(url(runtime, "/healthz")) as response:
        assert response.status == 200
        health = await response.json()
    assert health["status"] == "ok" and {"telegram", "zalo", "web"} <= set(health["channels"])
    async with http.get(url(runtime, "/metrics")) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = await response.text()
    assert 'bot_updates_in_total{channel="telegram"} 1.0' in text
    assert 'bot_replies_out_total{channel="telegram"} 1.0' in text
    assert 'bot_processing_lag_seconds_count{channel="telegram"} 1.0' in text
    assert 'bot_webhook_rejected_total{channel="zalo",reason="body"} 1.0' in text
    assert 'bot_scheduler_state{bot_scheduler_state="absent"} 1.0' in text


async def test_answer_comes_first_and_shutdown_waits_for_the_work(app: App) -> None:
    started, release, finished = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def slow(body: dict[str, Any], received: float) -> None:
        started.set()
        await release.wait()
        finished.set()

    metrics, tasks = Metrics(), BackgroundTasks()
    server = WebServer(app, metrics=metrics, tasks=tasks, host="127.0.0.1", port=0)
    endpoint = WebhookEndpoint(
        channel="zalo", header=ZALO.secret_header, secret=ZALO_SECRET, process=slow, tasks=tasks,
        metrics=metrics,
    )  # fmt: skip
    server.add_webhook("/hook", endpoint)
    await server.start()
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            server.url + "/hook",
            json={"event_name": "x"},
            headers={ZALO.secret_header: ZALO_SECRET},
        ) as response,
    ):
        assert response.status == 200
    await started.wait()
    assert not finished.is_set() and len(tasks) == 1
    stopping = asyncio.create_task(server.stop())
    await asyncio.sleep(0)
    assert not stopping.done()
    release.set()
    await stopping
    assert finished.is_set() and len(tasks) == 0


def test_webhook_options_name_the_missing_variable() -> None:
    base = (
        Settings().with_channel("telegram", token=TG_TOKEN).with_channel("zalo", token=ZALO_TOKEN)
    )
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET"):
        check_options(base, RunOptions(webhook=True))
    with pytest.raises(SettingsError, match="ZALO_WEBHOOK_SECRET"):
        check_options(
            replace(base).with_channel("telegram", webhook_secret=TG_SECRET),
            RunOptions(webhook=True),
        )
    ready = (
        replace(base)
        .with_channel("telegram", webhook_secret=TG_SECRET)
        .with_channel("zalo", webhook_secret=ZALO_SECRET)
    )
    check_options(ready, RunOptions(webhook=True))
    with pytest.raises(SettingsError, match="WEBHOOK_BASE_URL"):
        check_options(ready, RunOptions(webhook=True, register_webhooks=True))


def test_new_settings_are_parsed_and_checked() -> None:
    settings = load_settings(
        {
            "ZALO_BOT_TOKEN": ZALO_TOKEN,
            "ZALO_API_BASE_URL": "http://127.0.0.1:9000/",
            "WEBHOOK_BASE_URL": "https://bot.phuong.gov.vn",
            "TELEGRAM_WEBHOOK_SECRET": TG_SECRET,
            "ZALO_WEBHOOK_SECRET": ZALO_SECRET,
            "WEB_HOST": "0.0.0.0",
            "WEB_PORT": "9090",
        },
        dotenv=None,
    )
    assert settings.channel("zalo").api_base_url == "http://127.0.0.1:9000"
    assert (settings.web_host, settings.web_port) == ("0.0.0.0", 9090)
    defaults = load_settings({}, dotenv=None)
    assert defaults.channel("zalo").api_base_url == "https://bot-api.zaloplatforms.com"
    assert (defaults.web_host, defaults.web_port, defaults.channel("zalo").token) == (
        "127.0.0.1",
        8080,
        "",
    )
    for variable, value in [
        ("ZALO_BOT_TOKEN", "no-colon"),
        ("ZALO_API_BASE_URL", "ftp://x"),
        ("WEBHOOK_BASE_URL", "bot.example.org"),
        ("TELEGRAM_WEBHOOK_SECRET", "has space"),
        ("ZALO_WEBHOOK_SECRET", "short"),
        ("WEB_PORT", "70000"),
    ]:
        with pytest.raises(SettingsError) as raised:
            load_settings({variable: value}, dotenv=None)
        assert raised.value.variable == variable
        assert value not in str(raised.value) or variable.endswith(("URL", "PORT", "TOKEN"))


def test_cli_refuses_webhook_mode_without_a_secret(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/bot.db",
        "TELEGRAM_BOT_TOKEN": TG_TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": "",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--webhook"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "TELEGRAM_WEBHOOK_SECRET" in result.stderr
    assert "TEST-token" not in result.stderr + result.stdout
