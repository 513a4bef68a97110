"""`python -m bot run [--webhook]`: start the bot (polling, webhooks, or the web chat alone)."""

from __future__ import annotations

import argparse
import asyncio
import signal

from bot.app import build_app
from bot.channels.registry import platform_channels
from bot.cli.base import Subcommand, say
from bot.runtime import RunOptions, Runtime, check_options
from bot.settings import Settings, SettingsError
from scheduler.runner import SchedulerService


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Describe the arguments."""
    parser.add_argument(
        "--webhook", action="store_true", help="serve the platforms' webhooks and the web chat"
    )
    parser.add_argument(
        "--register-webhooks",
        action="store_true",
        help="with --webhook: register WEBHOOK_BASE_URL with each platform on start",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Start the bot: polling, webhooks with --webhook, or the web chat when no token is set."""
    options = RunOptions(webhook=args.webhook, register_webhooks=args.register_webhooks)
    try:
        check_options(settings, options)
    except SettingsError as exc:
        say(f"Configuration error: {exc}", error=True)
        return 2
    app = build_app(settings)
    try:
        asyncio.run(_serve(Runtime(app, options)))
        return 0
    except SettingsError as exc:
        say(f"Configuration error: {exc}", error=True)
        return 2
    except KeyboardInterrupt:
        return 0
    finally:
        app.close()


async def _serve(runtime: Runtime) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    scheduler = SchedulerService(
        runtime.core.db,
        runtime.core.dispatcher,
        runtime.core.parts,
        on_state=runtime.metrics.set_scheduler_state,
    )
    scheduler.start()
    try:
        await runtime.start()
        settings = runtime.core.settings
        if runtime.server is not None:
            if not settings.configured_channels():
                tokens = " or ".join(spec.setting("BOT_TOKEN") for spec in platform_channels())
                say(f"No {tokens} configured: serving the web chat.")
            say(f"Web chat: {runtime.server.url}/web/  (health: /healthz, metrics: /metrics)")
        await stop.wait()
    finally:
        await runtime.stop()
        await scheduler.shutdown()


COMMAND = Subcommand(
    "run", "start the bot (polling, webhooks or the web chat alone)", add_arguments, run
)
