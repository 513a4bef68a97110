"""Bot worker processes for scale and fault tests: `python -m bot run --webhook` on a free port.

A worker is ready when it prints its web address (the server is bound by then); its log
(stderr) goes to a file the test can read afterwards. Nothing here sleeps: start-up waits on
the worker's own output, shutdown on the process.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import aiohttp

from bot.channels.registry import TELEGRAM

ROOT = Path(__file__).resolve().parents[2]
READY = re.compile(r"Web chat: (http://\S+)/web/")
TOKEN = "4242:TEST-token"
SECRET = "scale_secret-42"


def worker_env(
    database_url: str, api_base_url: str, *, admins: Sequence[int] = (), **extra: str
) -> dict[str, str]:
    """Return the environment of a webhook worker talking to a fake Bot API."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "BOT_"))}
    env.update(
        DATABASE_URL=database_url,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=api_base_url,
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        WEB_HOST="127.0.0.1",
        WEB_PORT="0",
        BOT_ADMINS=",".join(f"telegram:{a}" for a in admins),
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


class Worker:
    """One `python -m bot run --webhook` process; start() returns once it serves requests."""

    def __init__(self, env: Mapping[str, str], log_path: Path, cwd: Path) -> None:
        self.env = dict(env)
        self.log_path = log_path
        self.cwd = cwd
        self.url = ""
        self.process: asyncio.subprocess.Process | None = None
        self._drain: asyncio.Task[None] | None = None

    @property
    def hook_url(self) -> str:
        """Return the Telegram webhook address of this worker."""
        return self.url + TELEGRAM.webhook_path

    async def start(self, timeout: float = 90.0) -> None:  # noqa: ASYNC109
        """Spawn the worker and wait until it prints the address it listens on."""
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", "--webhook",
                cwd=self.cwd, env=self.env, stdout=asyncio.subprocess.PIPE, stderr=log,
            )  # fmt: skip
        stdout = self.process.stdout
        assert stdout is not None
        async with asyncio.timeout(timeout):
            while not self.url:
                line = await stdout.readline()
                if not line:
                    await self.process.wait()
                    raise RuntimeError(f"worker exited early:\n{self.log_tail()}")
                if match := READY.search(line.decode(errors="replace")):
                    self.url = match.group(1)
        self._drain = asyncio.create_task(self._discard(stdout))

    @staticmethod
    async def _discard(stream: asyncio.StreamReader) -> None:
        while await stream.readline():
            pass

    async def kill(self) -> None:
        """SIGKILL the worker (no shutdown at all) and reap it."""
        await self._stop(signal.SIGKILL)

    async def terminate(self) -> int:
        """SIGTERM the worker, let it finish the updates in progress, return its exit code."""
        return await self._stop(signal.SIGTERM)

    async def _stop(self, sig: signal.Signals) -> int:
        process = self.process
        if process is None:
            return 0
        if process.returncode is None:
            process.send_signal(sig)
        code = await asyncio.wait_for(process.wait(), 60)
        if self._drain is not None:
            await self._drain
        self.process = None
        return code

    def log(self) -> str:
        """Return everything the worker logged."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 40) -> str:
        """Return the end of the worker's log (for failure messages)."""
        return "\n".join(self.log().splitlines()[-lines:])


async def post_update(
    http: aiohttp.ClientSession, url: str, body: Mapping[str, Any], secret: str = SECRET
) -> int:
    """POST one Telegram update to a webhook with the secret header; return the status."""
    async with http.post(
        url, json=dict(body), headers={TELEGRAM.secret_header: secret}
    ) as response:
        await response.read()
        return response.status
