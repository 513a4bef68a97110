"""Start-up wiring for `python -m bot run`: builds every configured channel from the registry,
starts polling or serves webhooks, and runs the web server when it is needed.

The web server (bot.web.server) only serves what it is given; the channels only translate.
The file store (links to generated files) and the inbox (updates stored before they are
processed) are built here and handed to the channels in their ChannelEnv.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.app import App
from bot.channels.registry import platform_channels
from bot.core.channel import Channel, ChannelEnv, ChannelSpec, Sleep
from bot.core.files import FileStore
from bot.core.links import BotLinks
from bot.settings import Settings, SettingsError
from bot.web.dashboard.routes import DashboardRoutes
from bot.web.files import FileRoute
from bot.web.flood import WebFloodGuard
from bot.web.inbox import Valid, WebhookInbox
from bot.web.metrics import Metrics
from bot.web.server import WebServer
from bot.web.tasks import BackgroundTasks
from bot.web.webchat import RateLimiter, WebChannel
from bot.web.webchat_api import WebChatApi
from bot.web.webhooks import MAX_IN_FLIGHT, Process, WebhookEndpoint

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
    flood_clock: Callable[[], float] = time.monotonic
    """The clock of the web chat's flood limits (tests move it by hand)."""
    port: int | None = None

    def poll_timeout(self, channel: str) -> int:
        """Return the long-poll window of a channel (tests shorten it)."""
        return {"telegram": self.telegram_poll_timeout, "zalo": self.zalo_poll_timeout}.get(
            channel, 30
        )


def check_options(settings: Settings, options: RunOptions) -> None:
    """Refuse combinations that cannot work, naming the variable to set (SettingsError)."""
    for spec in platform_channels():
        config = settings.channel(spec.name)
        if options.webhook and config.token and not config.webhook_secret:
            raise SettingsError(spec.setting("WEBHOOK_SECRET"), "is required with --webhook")
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
    channels: dict[str, Channel] = field(default_factory=dict)
    web: WebChannel | None = None
    inbox: WebhookInbox | None = None
    files: FileStore | None = None

    @property
    def serves_web(self) -> bool:
        """Tell whether the web server runs: webhook mode, no platform token at all (the web
        chat alone), or a public address (file links must work in polling mode too)."""
        settings = self.core.settings
        return (
            self.options.webhook or not settings.configured_channels() or bool(settings.public_url)
        )

    @property
    def public_web_url(self) -> str:
        """Return the bot's public address, when one is configured."""
        return self.core.settings.public_url

    def _build(self, spec: ChannelSpec) -> Channel:
        settings = self.core.settings
        env = ChannelEnv(
            config=settings.channel(spec.name),
            dispatcher=self.core.dispatcher,
            translations=self.core.parts.translations,
            feed=self.metrics.feed(self.core.dispatcher),
            links=self.core.parts.get(BotLinks),
            sleep=self.options.sleep,
            poll_timeout=self.options.poll_timeout(spec.name),
            public_url=self.public_web_url,
            files=self.files,
            inbox=self.inbox,
        )
        return spec.build(env)

    async def start(self) -> None:
        """Build and start every configured channel (and the server when it is needed)."""
        settings, clock = self.core.settings, self.core.parts.clock
        check_options(settings, self.options)
        self.files = FileStore(
            self.core.db,
            clock,
            public_base_url=self.public_web_url,
            ttl_days=settings.file_link_days,
        )
        self.inbox = WebhookInbox(self.core.db, clock)
        if self.public_web_url.startswith("http://"):
            logger.warning("The public address is not https://: platforms may refuse its links")
        for spec in platform_channels():
            if settings.channel(spec.name).token:
                self.channels[spec.name] = self._build(spec)
        if self.serves_web:
            await self._start_server()
        if not self.options.webhook:
            for channel in self.channels.values():
                await channel.start_polling()  # a polling channel replays its own inbox items

    async def _start_server(self) -> None:
        settings, dispatcher = self.core.settings, self.core.dispatcher
        port = settings.web_port if self.options.port is None else self.options.port
        server = WebServer(
            self.core, metrics=self.metrics, tasks=self.tasks, host=settings.web_host, port=port
        )
        assert self.files is not None and self.inbox is not None
        server.add_files(FileRoute(self.files))
        server.add_dashboard(DashboardRoutes(self.core))
        self.web = WebChannel(dispatcher, self.files)
        server.add_webchat(
            WebChatApi(
                channel=self.web,
                feed=self.metrics.feed(dispatcher),
                translations=self.core.parts.translations,
                default_locale=settings.default_locale,
                flood=WebFloodGuard(
                    settings, browser=self.options.limiter, clock=self.options.flood_clock
                ),
                metrics=self.metrics,
            )
        )
        slots = asyncio.Semaphore(MAX_IN_FLIGHT)  # shared by every platform's webhook
        processors: dict[str, Process] = {}
        valid: dict[str, Valid] = {}
        if self.options.webhook:
            for spec, channel in self._running():
                server.add_webhook(spec.webhook_path, self._endpoint(spec, channel, slots))
                processors[spec.name] = channel.receive
                valid[spec.name] = channel.is_update
                await channel.start_webhook()  # Telegram: getMe, username, command menu
        self.metrics.count_senders(dispatcher)
        if processors:  # updates accepted by a process that died before applying them, in order
            await self.inbox.replay(processors, time.monotonic(), valid)
        try:
            await server.start()
        except OSError as exc:
            where = f"{settings.web_host}:{port}"
            raise SettingsError("WEB_PORT", f"cannot listen on {where} ({exc.strerror})") from exc
        self.server = server
        if self.options.register_webhooks:
            for spec, channel in self._running():
                url = settings.webhook_base_url + spec.webhook_path
                await channel.register_webhook(url, settings.channel(spec.name).webhook_secret)

    def _running(self) -> list[tuple[ChannelSpec, Channel]]:
        """Return the started platform channels with their specs, in registry order."""
        return [(s, self.channels[s.name]) for s in platform_channels() if s.name in self.channels]

    def _endpoint(
        self, spec: ChannelSpec, channel: Channel, slots: asyncio.Semaphore
    ) -> WebhookEndpoint:
        return WebhookEndpoint(
            channel=spec.name,
            header=spec.secret_header,
            secret=self.core.settings.channel(spec.name).webhook_secret,
            process=channel.receive,
            valid=channel.is_update,
            tasks=self.tasks,
            metrics=self.metrics,
            inbox=self.inbox,
            slots=slots,
        )

    async def stop(self) -> None:
        """Stop the server and the channels (both wait for updates in progress), then forget
        the applied updates in the inbox."""
        if self.server is not None:
            await self.server.stop()
            self.server = None
        channels, self.channels = self.channels, {}
        for channel in channels.values():
            await channel.stop()
        if self.inbox is not None:
            try:
                await self.inbox.flush()
            except Exception:
                logger.warning("Could not clear applied updates from the inbox", exc_info=True)
