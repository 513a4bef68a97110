"""A process that only sends due outbox rows (digests) to Telegram, with short scheduler timings.

Started by test_digest_kill.py as ``python -m tests.scale.digest_driver``; configured from the
environment like the bot (DATABASE_URL, TELEGRAM_BOT_TOKEN, TELEGRAM_API_BASE_URL). It prints
READY once the scheduler runs and keeps sweeping until it is killed, or until SIGTERM: then it
prints STOPPING and shuts the scheduler down.
"""

from __future__ import annotations

import asyncio
import signal
from datetime import timedelta

from bot.app import build_app
from bot.channels.telegram import TelegramChannel
from bot.settings import load_settings
from scheduler.config import SchedulerConfig
from scheduler.runner import SchedulerService

CONFIG = SchedulerConfig(
    tick_seconds=1,
    start_delay_seconds=0,
    lease_ttl=timedelta(seconds=3),
    sending_timeout=timedelta(seconds=3),
    global_per_second=25.0,
    per_chat_per_second=0.9,
)


async def main() -> None:
    """Run the scheduler with a Telegram sender until SIGTERM."""
    app = build_app(load_settings())
    settings = app.settings
    channel = TelegramChannel(
        token=settings.channel("telegram").token,
        base_url=settings.channel("telegram").api_base_url,
        dispatcher=app.dispatcher,
        translations=app.parts.translations,
    )
    await channel.app.initialize()
    service = SchedulerService(app.db, app.dispatcher, app.parts, config=CONFIG, charts=False)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    service.start()
    print("READY", flush=True)
    try:
        await stop.wait()
        print("STOPPING", flush=True)
    finally:
        await service.shutdown()
        await channel.stop()
        app.close()


if __name__ == "__main__":
    asyncio.run(main())
