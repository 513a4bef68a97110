"""The aiohttp server: routes for webhooks, web chat, file links, the dashboard, /healthz and
/metrics, with a clean shutdown."""

from __future__ import annotations

import logging
import re

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from bot.app import App
from bot.web.dashboard.routes import DashboardRoutes
from bot.web.files import FileRoute
from bot.web.metrics import CONTENT_TYPE, Metrics
from bot.web.tasks import BackgroundTasks
from bot.web.webchat_api import SECURITY_HEADERS, WebChatApi
from bot.web.webhooks import WebhookEndpoint

logger = logging.getLogger(__name__)
MAX_REQUEST_BYTES = 1024 * 1024


SECRET_PATHS = re.compile(r"^(/files/|/web/api/file/|/dashboard/login/)[^/]*")


def loggable_path(path: str) -> str:
    """Return a request path fit for the log: a file link's token is a credential, so it goes."""
    return SECRET_PATHS.sub(r"\1<token>", path)


class PathOnlyAccessLogger(AbstractAccessLogger):
    """Access log without query strings (the web chat's browser id travels in one) and without
    the tokens of file links."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        """Log method, path, status and duration; failures at INFO, the rest at DEBUG."""
        level = logging.INFO if response.status >= 400 else logging.DEBUG
        path = loggable_path(request.path)
        self.logger.log(level, "%s %s %s %.3fs", request.method, path, response.status, time)

    @property
    def enabled(self) -> bool:
        """Tell aiohttp the logger is on."""
        return True


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    if request.path.startswith("/web"):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)


class WebServer:
    """One aiohttp application on WEB_HOST:WEB_PORT; stop() waits for background work."""

    def __init__(
        self,
        core: App,
        *,
        metrics: Metrics,
        tasks: BackgroundTasks,
        host: str,
        port: int,
    ) -> None:
        self.core = core
        self.metrics = metrics
        self.tasks = tasks
        self.host = host
        self.port = port
        self.web = web.Application(client_max_size=MAX_REQUEST_BYTES)
        self.web.router.add_get("/healthz", self.healthz)
        self.web.router.add_get("/metrics", self.render_metrics)
        self.web.on_response_prepare.append(_security_headers)
        self._runner: web.AppRunner | None = None

    def add_webhook(self, path: str, endpoint: WebhookEndpoint) -> None:
        """Serve a platform webhook at path."""
        self.web.router.add_post(path, endpoint.handle)

    def add_files(self, route: FileRoute) -> None:
        """Serve stored files at /files/{token}."""
        route.add_routes(self.web)

    def add_dashboard(self, routes: DashboardRoutes) -> None:
        """Serve the leaders' read-only dashboard under /dashboard."""
        routes.add_routes(self.web)

    def add_webchat(self, api: WebChatApi) -> None:
        """Serve the web chat page and its API."""
        api.add_routes(self.web)

    @property
    def url(self) -> str:
        """Return the base URL the server listens on."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    async def healthz(self, request: web.Request) -> web.Response:
        """Answer 200 when the database can be read and written now; 503 with what is wrong
        (degraded: locked by another process; missing: its file was deleted; down)."""
        health = await self.core.db.health()
        if health.status != "ok":
            body = {"status": health.status, "database": health.database}
            return web.json_response(body, status=503)
        return web.json_response({"status": "ok", "channels": sorted(self.core.dispatcher.senders)})

    async def render_metrics(self, request: web.Request) -> web.Response:
        """Expose the metrics in the Prometheus text format."""
        return web.Response(body=self.metrics.render(), headers={"Content-Type": CONTENT_TYPE})

    async def start(self) -> None:
        """Bind and start serving (port 0 picks a free port, kept in self.port)."""
        self._runner = web.AppRunner(
            self.web, access_log_class=PathOnlyAccessLogger, shutdown_timeout=5.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, host=self.host, port=self.port)
        await site.start()
        address = self._runner.addresses[0]
        self.port = int(address[1])
        logger.info("Web server listening on %s", self.url)

    async def stop(self, grace: float = 30.0) -> None:
        """Stop accepting requests, then wait for the updates still being processed."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self.tasks.drain(grace)
