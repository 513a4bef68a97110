"""Starts the right channels for `python -m bot run`: polling, webhooks, or the web chat alone."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

from bot.app import App
from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_client import Sleep, ZaloClient
from bot.settings import Settings, SettingsError
from bot.web.inbox import WebhookInbox
from bot.web.metrics import Metrics
from bot.web.server import WebServer
from bot.web.tasks import BackgroundTasks
from bot.web.telegram_hook import TelegramWebhook
from bot.web.webchat import RateLimiter, WebChannel
from bot.web.webchat_api import WebChatApi
from bot.web.webhooks import (
    MAX_IN_FLIGHT,
    TELEGRAM_HEADER,
    TELEGRAM_PATH,
    ZALO_HEADER,
    ZALO_PATH,
    Process,
    WebhookEndpoint,
)
from handlers.common import BotLinks

logger = logging.getLogger(__name__)


@dataclass
class RunOptions:
    """How to run: webhooks or polling, and the knobs tests turn."""

    webhook: bool = False
    register_webhooks: bool = False
    telegram_poll_timeout: int = 30
    zalo_poll_timeout: int = 30
    sleep: Sleep = asyncio.sleep
    limiter: RateLimiter | None = None
    port: int | None = None


def check_options(settings: Settings, options: RunOptions) -> None:
    """Refuse combinations that cannot work, naming the variable to set (SettingsError)."""
    if options.webhook and settings.telegram_bot_token and not settings.telegram_webhook_secret:
        raise SettingsError("TELEGRAM_WEBHOOK_SECRET", "is required with --webhook")
    if options.webhook and settings.zalo_bot_token and not settings.zalo_webhook_secret:
        raise SettingsError("ZALO_WEBHOOK_SECRET", "is required with --webhook")
    if options.register_webhooks and not options.webhook:
        raise SettingsError("--register-webhooks", "only works together with --webhook")
    if options.register_webhooks and not settings.webhook_base_url.startswith("https://"):
        raise SettingsError("WEBHOOK_BASE_URL", "must be the public https:// address of this bot")


@dataclass
class Runtime:
    """The running channels and web server of one `run`; start() and stop() in that order."""

    core: App
    options: RunOptions = field(default_factory=RunOptions)
    metrics: Metrics = field(default_factory=Metrics)
    tasks: BackgroundTasks = field(default_factory=BackgroundTasks)
    server: WebServer | None = None
    zalo: ZaloChannel | None = None
    web: WebChannel | None = None
    inbox: WebhookInbox | None = None
    telegram: TelegramChannel | None = None
    telegram_hook: TelegramWebhook | None = None

    @property
    def serves_web(self) -> bool:
        """Tell whether the web server runs: webhook mode, or no platform token at all."""
        settings = self.core.settings
        return self.options.webhook or not (settings.telegram_bot_token or settings.zalo_bot_token)

    @property
    def public_web_url(self) -> str:
        """Return the web chat's public address, when one is configured."""
        base = self.core.settings.webhook_base_url
        return f"{base}/web/" if base else ""

    async def start(self) -> None:
        """Build and start every configured channel (and the server when it is needed)."""
        check_options(self.core.settings, self.options)
        settings, dispatcher = self.core.settings, self.core.dispatcher
        feed = self.metrics.feed(dispatcher)
        if settings.zalo_bot_token:
            client = ZaloClient(
                token=settings.zalo_bot_token,
                base_url=settings.zalo_api_base_url,
                sleep=self.options.sleep,
            )
            self.zalo = ZaloChannel(
                client=client,
                dispatcher=dispatcher,
                translations=self.core.services.translations,
                feed=feed,
                poll_timeout=self.options.zalo_poll_timeout,
                sleep=self.options.sleep,
                web_url=self.public_web_url,
            )
        if self.serves_web:
            await self._start_server()
        else:
            await self._start_polling()

    async def _start_polling(self) -> None:
        if self.core.settings.telegram_bot_token:
            channel = self._telegram_channel()
            await channel.start()
            self.telegram = channel
        if self.zalo is not None:
            await self.zalo.start_polling()

    def _telegram_channel(self) -> TelegramChannel:
        links = self.core.services.get(BotLinks)

        def remember(username: str) -> None:
            links.telegram_username = links.telegram_username or username

        return TelegramChannel(
            token=self.core.settings.telegram_bot_token,
            base_url=self.core.settings.telegram_api_base_url,
            dispatcher=self.core.dispatcher,
            translations=self.core.services.translations,
            poll_timeout=self.options.telegram_poll_timeout,
            sleep=self.options.sleep,
            on_username=remember,
        )

    async def _start_server(self) -> None:
        settings, dispatcher = self.core.settings, self.core.dispatcher
        feed = self.metrics.feed(dispatcher)
        port = settings.web_port if self.options.port is None else self.options.port
        server = WebServer(
            self.core, metrics=self.metrics, tasks=self.tasks, host=settings.web_host, port=port
        )
        self.web = WebChannel(dispatcher)
        server.add_webchat(
            WebChatApi(
                channel=self.web,
                feed=feed,
                translations=self.core.services.translations,
                default_locale=settings.default_locale,
                limiter=self.options.limiter,
            )
        )
        hook = None
        self.inbox = WebhookInbox(self.core.db, self.core.services.clock)
        self.slots = asyncio.Semaphore(MAX_IN_FLIGHT)  # shared by both platforms' webhooks
        processors: dict[str, Process] = {}
        if self.options.webhook and settings.telegram_bot_token:
            self.telegram = self._telegram_channel()
            hook = self.telegram_hook = TelegramWebhook(self.telegram, feed)
            server.add_webhook(TELEGRAM_PATH, self._endpoint("telegram", hook.process))
            processors["telegram"] = hook.process
            await hook.start()  # the channel's on_username records the bot's username
        if self.options.webhook and self.zalo is not None:
            server.add_webhook(ZALO_PATH, self._endpoint("zalo", self.zalo.receive))
            processors["zalo"] = self.zalo.receive
        self.metrics.count_senders(dispatcher)
        if processors:  # updates accepted by a process that died before applying them, in order
            await self.inbox.replay(processors, time.monotonic())
        try:
            await server.start()
        except OSError as exc:
            where = f"{settings.web_host}:{port}"
            raise SettingsError("WEB_PORT", f"cannot listen on {where} ({exc.strerror})") from exc
        self.server = server
        if self.options.register_webhooks:
            base = settings.webhook_base_url
            if hook is not None:
                await hook.register(base + TELEGRAM_PATH, settings.telegram_webhook_secret)
            if self.zalo is not None:
                await self.zalo.client.set_webhook(base + ZALO_PATH, settings.zalo_webhook_secret)
                logger.info("Zalo webhook registered")

    def _endpoint(self, channel: str, process: Process) -> WebhookEndpoint:
        settings = self.core.settings
        secret = {
            "telegram": settings.telegram_webhook_secret,
            "zalo": settings.zalo_webhook_secret,
        }[channel]
        header = TELEGRAM_HEADER if channel == "telegram" else ZALO_HEADER
        return WebhookEndpoint(
            channel=channel,
            header=header,
            secret=secret,
            process=process,
            tasks=self.tasks,
            metrics=self.metrics,
            inbox=self.inbox,
            slots=self.slots,
        )

    async def stop(self) -> None:
        """Stop the server (waiting for updates in progress), then the channels."""
        if self.server is not None:
            await self.server.stop()
            self.server = None
        if self.inbox is not None:
            try:
                await self.inbox.flush()
            except Exception:
                logger.warning("Could not clear applied updates from the inbox", exc_info=True)
        telegram, self.telegram, self.telegram_hook = self.telegram, None, None
        if telegram is not None:
            await telegram.stop()
        if self.zalo is not None:
            await self.zalo.stop()
            self.zalo = None
