"""Benchmark: Monday digests (chart + text) to 3,800 leaders through real PTB and a fake Bot API.

The fake server (tests/fakes/fake_telegram.py, run in its own process as the real API would
be) enforces flood limits like Telegram: one message
per second per chat and a global rate (scaled up from ~30/s so the run is short), answering
429 with retry_after beyond them. The digest rows are stored in the outbox beforehand (one
rendered chart shared by all, so the run measures sending, not drawing); then one scheduler
sweep sends them with our pacer (global + per-chat) through the Telegram channel.

Prints the achieved rate as a share of the allowed rate, the 429s received, and messages lost
or doubled (each leader must get exactly one photo and one text).

Usage: python -m benchmarks.digest_send_bench [LEADERS] [GLOBAL_PER_SECOND]   (3800, 300)
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("PTB_TIMEDELTA", "true")

from bot.app import build_app
from bot.channels.telegram import TelegramChannel
from bot.core.clock import FixedClock
from bot.settings import Settings
from domain.periods import Week
from scheduler.config import SchedulerConfig
from scheduler.runner import SchedulerService
from storage import outbox, people
from storage.migrate import upgrade
from tests.fakes import FakeTelegram

TOKEN = "4242:BENCH-token"
NOW = datetime(2026, 3, 9, 0, 5, tzinfo=UTC)
MARGIN = 0.95


def tiny_chart() -> bytes:
    """Draw one digest-sized chart to attach to every row."""
    from handlers.leaders.chart import ChartText, weekly_chart

    words = ChartText("Tổ 12 · 8 tuần gần đây", "Người được hỗ trợ", "Thành công")
    return weekly_chart([f"{d:02d}/02" for d in range(1, 9)], [5, 8, 3, 0, 12, 7, 9, 10],
                        [4, 6, 2, 0, 10, 5, 8, 9], words)  # fmt: skip


def seed(app_db: object, leaders: int, image: bytes) -> None:
    """Create the leaders (Telegram identities) and one pending digest row for each."""
    from sqlmodel import Session

    period = Week(NOW.date()).shift(-1).key
    text = "📊 Tổng hợp tuần 02/03–08/03/2026\n" + "• Hỗ trợ định danh mức 2: 6 người\n" * 40

    def work(session: Session) -> None:
        for index in range(leaders):
            user = str(100_000 + index)
            person = people.ensure_person(
                session, channel="telegram", user_id=user, chat_id=user, now=NOW
            )
            outbox.add(
                session, kind="digest", recipient=f"p:{person.id}", period=period, due_at=NOW,
                now=NOW, payload={"texts": [text], "caption": "Tổ 12", "locale": "vi"},
                person_id=person.id, image=image,
            )  # fmt: skip

    app_db.run_sync(work)  # type: ignore[attr-defined]


async def serve(allowed: float) -> None:
    """Run the fake Bot API in this process; on 'dump' from stdin print the calls as JSON."""
    async with FakeTelegram(token=TOKEN) as fake:
        fake.rate_limit(per_chat_per_second=1.0, global_per_second=allowed)
        sys.stdout.write(f"{fake.base_url}\n")
        sys.stdout.flush()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.readline)
        for c in fake.calls:
            if c.method in ("sendPhoto", "sendMessage"):
                row = {
                    "method": c.method,
                    "chat": c.params.get("chat_id"),
                    "status": c.status,
                    "time": c.time,
                }
                sys.stdout.write(json.dumps(row) + "\n")
        sys.stdout.flush()


async def run(leaders: int, allowed: float) -> None:
    """Send every digest once and print the figures."""
    folder = Path(tempfile.mkdtemp(prefix="digest-send-"))
    settings = Settings(database_url=f"sqlite:///{folder / 'bot.db'}").with_channel(
        "telegram", token=TOKEN
    )
    from storage.db import make_engine

    engine = make_engine(settings.database_url)
    upgrade(engine)
    engine.dispose()
    app = build_app(settings, clock=FixedClock(NOW), migrate=False)
    seed(app.db, leaders, tiny_chart())
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "benchmarks.digest_send_bench", "--serve", str(allowed),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert server.stdin is not None and server.stdout is not None
    base_url = (await server.stdout.readline()).decode().strip()
    channel = TelegramChannel(
        token=TOKEN, base_url=base_url, dispatcher=app.dispatcher,
        translations=app.parts.translations,
    )  # fmt: skip
    await channel.app.initialize()
    burst = max(0, int(allowed * (1 - MARGIN)) - 2)
    config = SchedulerConfig(
        global_per_second=allowed * MARGIN, per_chat_per_second=MARGIN, global_burst=burst
    )
    service = SchedulerService(app.db, app.dispatcher, app.parts, config=config, charts=False)
    started = time.perf_counter()
    report = await service.run_due(NOW)
    elapsed = time.perf_counter() - started
    await service.shutdown()
    await channel.app.shutdown()
    output, _ = await server.communicate(b"dump\n")
    sends = [json.loads(line) for line in output.decode().splitlines() if line.strip()]
    app.close()
    ok = [c for c in sends if c["status"] == 200]
    throttled = sum(1 for c in sends if c["status"] == 429)
    per_chat = Counter((c["chat"], c["method"]) for c in ok)
    chats = {100_000 + i for i in range(leaders)}
    lost = sum(
        1 for chat in chats for m in ("sendPhoto", "sendMessage") if per_chat[(chat, m)] == 0
    )
    doubled = sum(n - 1 for n in per_chat.values() if n > 1)
    first, last = min(c["time"] for c in ok), max(c["time"] for c in ok)
    rate = (len(ok) - 1) / (last - first) if last > first else 0.0
    print(f"leaders {leaders:,}, messages accepted {len(ok):,} in {elapsed:.1f} s (sweep), "
          f"rows sent {report.sent.sent:,}, failed {report.sent.failed}")  # fmt: skip
    print(f"achieved {rate:.1f} msg/s of {allowed:.0f} allowed = {rate / allowed:.1%} "
          f"(pacer set to {MARGIN:.0%}); 429s received: {throttled}; lost: {lost}; doubled: {doubled}")  # fmt: skip


def main() -> None:
    """Parse the arguments and run (or, with --serve, be the fake Bot API process)."""
    if sys.argv[1:2] == ["--serve"]:
        asyncio.run(serve(float(sys.argv[2])))
        return
    logging.basicConfig(level=logging.WARNING)
    leaders = int(sys.argv[1]) if len(sys.argv) > 1 else 3800
    allowed = float(sys.argv[2]) if len(sys.argv) > 2 else 300.0
    asyncio.run(run(leaders, allowed))


if __name__ == "__main__":
    main()
