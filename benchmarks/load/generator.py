"""The load process: a fake Bot API plus volunteers posting updates to the webhook workers.

Started by benchmarks/load_webhook.py. It prints ``FAKE <base_url>`` once the fake Bot API
listens, reads the workers' webhook URLs (one line, space-separated) from stdin, then lets
every volunteer log at once and prints ``RESULT <json>``. A volunteer sends the quick log,
waits for the card, taps Confirm and waits for "saved", like a person; each update goes
to the next worker in turn. Latency runs from the webhook POST to the moment the reply's
sendMessage reaches the fake (both clocks are this process's monotonic clock).

Usage (normally through load_webhook.py)::

    python -m benchmarks.load.generator --users 2000 --logs 5 --mode log
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

import aiohttp

from benchmarks.load.seed import user_id
from bot.channels.registry import TELEGRAM
from bot.core.i18n import default_translations
from tests.fakes import FakeTelegram

TOKEN = "777:LOAD-test-token"
SECRET = "load_secret-1"
QUICK_LOG = "/log vneid2 3 dvc 1 45p"
SAVE = "lg:save"
REPLY_TIMEOUT = 600.0


@dataclass
class Arrival:
    """A sendMessage the fake accepted."""

    at: float
    text: str
    payloads: list[str]
    message_id: int


class LoadFake(FakeTelegram):
    """The fake Bot API, handing each accepted sendMessage to the waiting volunteer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inbox: defaultdict[int, asyncio.Queue[Arrival]] = defaultdict(asyncio.Queue)
        self.failed: Counter[str] = Counter()

    async def _dispatch(self, method: str, handler: Any, params: dict[str, Any]) -> Any:
        try:
            result = await super()._dispatch(method, handler, params)
        except Exception:
            self.failed[method] += 1
            raise
        if method == "sendMessage":
            markup = params.get("reply_markup") or {}
            payloads = [
                str(button.get("callback_data", ""))
                for row in markup.get("inline_keyboard", [])
                for button in row
            ]
            arrival = Arrival(
                time.monotonic(), str(params.get("text", "")), payloads, int(result["message_id"])
            )
            self.inbox[int(params["chat_id"])].put_nowait(arrival)
        return result


@dataclass
class Stats:
    """What the volunteers saw."""

    sent: int = 0
    replies: int = 0
    lost: int = 0
    unexpected: int = 0
    post_errors: int = 0
    first_post: float = 0.0
    last_reply: float = 0.0
    latencies: list[float] = field(default_factory=list)


class Load:
    """Volunteers posting to the workers round-robin."""

    def __init__(self, fake: LoadFake, urls: list[str], http: aiohttp.ClientSession) -> None:
        self.fake = fake
        self.urls = itertools.cycle(urls)
        self.http = http
        self.stats = Stats()
        vi = default_translations("vi").get("vi")
        self.saved_prefix = vi.text("log.saved", id=987654321).split("987654321")[0]

    async def step(self, user: int, body: dict[str, Any]) -> Arrival | None:
        """POST one update and wait for its reply; None when it failed or never came."""
        stats = self.stats
        started = time.monotonic()
        stats.first_post = stats.first_post or started
        stats.sent += 1
        try:
            async with self.http.post(
                next(self.urls), json=body, headers={TELEGRAM.secret_header: SECRET}
            ) as response:
                await response.read()
                ok = response.status == 200
        except aiohttp.ClientError:
            ok = False
        if not ok:
            stats.post_errors += 1
            return None
        try:
            arrival = await asyncio.wait_for(self.fake.inbox[user].get(), REPLY_TIMEOUT)
        except TimeoutError:
            stats.lost += 1
            return None
        stats.replies += 1
        stats.latencies.append(arrival.at - started)
        stats.last_reply = max(stats.last_reply, arrival.at)
        return arrival

    async def quick_logs(self, index: int, logs: int) -> None:
        """Log `logs` sessions with the one-line /log and the Confirm tap."""
        user, fake = user_id(index), self.fake
        for _ in range(logs):
            card = await self.step(user, fake.update(fake.push_text(user, QUICK_LOG)))
            if card is None:
                continue
            if SAVE not in card.payloads:
                self.stats.unexpected += 1
                continue
            tap = fake.push_callback(user, SAVE, message_id=card.message_id)
            saved = await self.step(user, fake.update(tap))
            if saved is not None and not saved.text.startswith(self.saved_prefix):
                self.stats.unexpected += 1

    async def help_taps(self, index: int, rounds: int) -> None:
        """Without the logging feature: /help, then a tap on its last button."""
        user, fake = user_id(index), self.fake
        for _ in range(rounds):
            menu = await self.step(user, fake.update(fake.push_text(user, "/help")))
            if menu is None:
                continue
            if not menu.payloads:
                self.stats.unexpected += 1
                continue
            tap = fake.push_callback(user, menu.payloads[-1], message_id=menu.message_id)
            await self.step(user, fake.update(tap))


async def trim(fake: LoadFake) -> None:
    """Forget recorded calls now and then (nobody inspects them; they only cost memory)."""
    while True:
        await asyncio.sleep(5)
        fake.calls.clear()


async def main(args: argparse.Namespace) -> None:
    """Serve the fake, wait for the worker URLs, run the load and report."""
    async with LoadFake(token=TOKEN, bot_username="tcns_load_bot") as fake:
        print(f"FAKE {fake.base_url}", flush=True)
        line = await asyncio.to_thread(sys.stdin.readline)
        urls = line.split()
        trimmer = asyncio.create_task(trim(fake))
        connector = aiohttp.TCPConnector(limit=256)
        async with aiohttp.ClientSession(connector=connector) as http:
            load = Load(fake, urls, http)
            work = load.quick_logs if args.mode == "log" else load.help_taps
            await asyncio.gather(*(work(i, args.logs) for i in range(args.users)))
        trimmer.cancel()
        stats = load.stats
        lat = sorted(stats.latencies) or [0.0]
        result = {
            **{k: v for k, v in asdict(stats).items() if k != "latencies"},
            "seconds": max(0.0, stats.last_reply - stats.first_post),
            "p50_ms": 1000 * statistics.median(lat),
            "p90_ms": 1000 * lat[int(0.90 * (len(lat) - 1))],
            "p99_ms": 1000 * lat[int(0.99 * (len(lat) - 1))],
            "max_ms": 1000 * lat[-1],
            "api_calls_failed": dict(fake.failed),
        }
        print(f"RESULT {json.dumps(result)}", flush=True)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--logs", type=int, default=5)
    parser.add_argument("--mode", choices=["log", "help"], default="log")
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse()))
