"""Benchmark: one-line logs (message + confirming tap) through the full stack vs a bare PTB echo.

Both runs feed the same kind of updates to python-telegram-bot's ``Application.process_update``
(``Update.de_json`` of realistic dicts) with a request object that answers in-process, so
nothing touches the network. The full stack is TelegramChannel → Dispatcher → handlers →
SQLite file database.

Usage: python -m benchmarks.log_bench [N [ROUNDS]] [--stages]
N logs = 2N updates (default 2000); ROUNDS rounds of echo / full / parallel / echo (default 7).
This machine's speed drifts by up to 1.8x from one second to the next, so each round's ratio
uses the echo measured just before and just after it, and the median ratio is printed.
--stages also runs Dispatcher.process alone and prints the CPU per stage.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import resource
import statistics
import sys
import tempfile
import time
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "true")

from sqlmodel import Session
from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler
from telegram.request import BaseRequest, RequestData

import bot.channels.telegram as telegram_channel
from bot.app import App, build_app
from bot.core.clock import FixedClock
from bot.settings import Settings
from storage import assists, people, teams
from storage.models import Membership

TOKEN = "1:bench"
USERS = 500
LINE = "/log vneid2 3 dvc 1 45p @tdp1"
NOW = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)  # a Wednesday, 09:00 in Vietnam
BOT = {"id": 1, "is_bot": True, "first_name": "b", "username": "b_bot", "can_join_groups": True,
       "can_read_all_group_messages": False, "supports_inline_queries": False}  # fmt: skip


class NullRequest(BaseRequest):
    """Answers every Bot API call at once with a plausible result, without any network."""

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    @property
    def read_timeout(self) -> float:
        """Return a nominal read timeout."""
        return 1.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        """Return the envelope {"ok": true, "result": ...} for the Bot API method in the URL."""
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        result: Any
        if name == "getMe":
            result = BOT
        elif name in ("answerCallbackQuery", "setMyCommands", "deleteWebhook"):
            result = True
        else:
            chat = {"id": int(str(params.get("chat_id", 1))), "type": "private"}
            result = {"message_id": 1, "date": 0, "chat": chat, "text": str(params.get("text", ""))}
        return 200, json.dumps({"ok": True, "result": result}).encode()


def user_of(i: int) -> dict[str, Any]:
    """Return the Telegram user of the i-th log."""
    return {"id": 10_000 + i % USERS, "is_bot": False, "first_name": "Lan", "language_code": "vi"}


def updates(n: int) -> list[dict[str, Any]]:
    """Return 2n raw updates: a one-line log, then the tap on its Confirm button."""
    raw: list[dict[str, Any]] = []
    for i in range(n):
        user = user_of(i)
        chat = {"id": user["id"], "type": "private", "first_name": "Lan"}
        raw.append({
            "update_id": 2 * i + 1,
            "message": {
                "message_id": 2 * i + 1, "date": 1_772_589_600, "chat": chat, "from": user,
                "text": LINE, "entities": [{"type": "bot_command", "offset": 0, "length": 4}],
            },
        })  # fmt: skip
        raw.append({
            "update_id": 2 * i + 2,
            "callback_query": {
                "id": str(900_000 + i), "from": user, "chat_instance": str(user["id"]),
                "data": "lg:save",
                "message": {"message_id": 2 * i + 2, "date": 1_772_589_600, "chat": chat,
                            "from": BOT, "text": "card"},
            },
        })  # fmt: skip
    return raw


@dataclass(frozen=True)
class Rate:
    """Updates per wall-clock second, and per second of CPU used by the whole process."""

    wall: float
    cpu: float


def waves(parsed: list[Update]) -> list[list[Update]]:
    """Group updates so each wave holds at most one update per chat, in order."""
    grouped: list[list[Update]] = []
    seen: dict[int, int] = {}
    for update in parsed:
        chat = update.effective_chat
        assert chat is not None
        index = seen.get(chat.id, -1) + 1
        seen[chat.id] = index
        if index == len(grouped):
            grouped.append([])
        grouped[index].append(update)
    return grouped


async def timed(
    app: Application,  # type: ignore[type-arg]
    raw: list[dict[str, Any]],
    context: AbstractAsyncContextManager[Any],
    *,
    concurrent: bool = False,
) -> Rate:
    """Feed the updates through process_update (one by one, or chats in parallel)."""
    async with context:
        parsed = [Update.de_json(u, app.bot) for u in raw]
        gc.collect()  # start every measurement from a clean heap, not the last run's garbage
        start, cpu = time.perf_counter(), time.process_time()
        if concurrent:
            for wave in waves(parsed):
                await asyncio.gather(*(app.process_update(u) for u in wave))
        else:
            for update in parsed:
                await app.process_update(update)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        return Rate(len(parsed) / wall, len(parsed) / cpu)


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the text (answering the callback first when it is a tap)."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    message = update.effective_message
    assert message is not None
    await message.reply_text(message.text or "ok")


async def echo_rate(raw: list[dict[str, Any]]) -> Rate:
    """Measure the bare python-telegram-bot echo on the same updates."""
    app = Application.builder().token(TOKEN).request(NullRequest()).build()
    app.add_handler(TypeHandler(Update, echo))
    return await timed(app, raw, app)


def prepare(folder: Path) -> App:
    """Build the app on a fresh SQLite file with one team and its volunteers."""
    settings = Settings(database_url=f"sqlite:///{folder / 'bench.db'}")
    app = build_app(settings, clock=FixedClock(NOW), migrate=True)

    def work(session: Session) -> None:
        team = teams.create_team(
            session, ward_name="Phường Hải Châu", name="Tổ 12", areas=["TDP 1", "TDP 2"], now=NOW
        )
        for i in range(USERS):
            uid = str(user_of(i)["id"])
            person = people.ensure_person(
                session, channel="telegram", user_id=uid, chat_id=uid, now=NOW
            )
            assert person.id is not None and team.id is not None
            session.add(
                Membership(person_id=person.id, team_id=team.id, role="volunteer", joined_at=NOW)
            )

    app.db.run_sync(work)
    return app


async def stack_rate(app: App, raw: list[dict[str, Any]], *, concurrent: bool = False) -> Rate:
    """Measure the full stack: PTB → TelegramChannel → Dispatcher → handlers → SQLite."""
    channel = telegram_channel.TelegramChannel(
        token=TOKEN,
        base_url="http://127.0.0.1:9/bot",
        dispatcher=app.dispatcher,
        translations=app.parts.translations,
        request=NullRequest(),
    )
    return await timed(channel.app, raw, channel.app, concurrent=concurrent)


def process(app: App, message: Any, session: Session) -> object:
    """Run one update through the dispatcher inside the caller's transaction."""
    return app.dispatcher.process(session, message)


def stage_breakdown(n: int) -> None:
    """Time the dispatcher's unit of work alone (no PTB) and print the CPU of each stage."""
    import functools

    from bot.core import dispatcher
    from bot.core.messages import ChatKey, Incoming, Kind
    from handlers.assistlog import quick, steps
    from storage import conversations

    spent: dict[str, float] = {}

    def wrap(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed_call(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.process_time() - start

        setattr(owner, name, timed_call)

    for owner, name, label in (
        (conversations, "mark_processed", "core  conversations.mark_processed"),
        (people, "ensure_person", "core  people.ensure_person"),
        (people, "roles_of", "core  people.roles_of"),
        (conversations, "load", "core  conversations.load"),
        (conversations, "save", "core  conversations.save"),
        (dispatcher.Dispatcher, "_route", "handler (all of it)"),
        (assists, "add_assist", "  of which assists.add_assist"),
        (teams, "areas_of", "  of which teams.areas_of"),
        (quick, "parse_quick_log", "  of which parse_quick_log"),
        (steps, "card_text", "  of which card_text"),
    ):
        wrap(owner, name, label)
    with tempfile.TemporaryDirectory() as folder:
        app = prepare(Path(folder))
        messages: list[Incoming] = []
        for i in range(n):
            uid = str(user_of(i)["id"])
            key = ChatKey("telegram", uid, uid)
            messages.append(Incoming(key, f"m{i}", Kind.TEXT, text=LINE))
            messages.append(Incoming(key, f"c{i}", Kind.BUTTON, payload="lg:save"))
        spent.clear()

        async def run_all() -> float:
            started = time.process_time()
            for message in messages:
                await app.db.run_short(functools.partial(process, app, message))
            return time.process_time() - started

        cpu = asyncio.run(run_all())
        app.close()
    print(f"Unit of work alone (no PTB): {cpu / len(messages) * 1000:.2f} ms CPU per update")
    for label, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {label:38s} {seconds / len(messages) * 1000:6.3f} ms  {seconds / cpu:6.1%}")


def peak_mib() -> float:
    """Return the process's peak resident memory in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass(frozen=True)
class Round:
    """One round of the three measurements, taken back to back."""

    echo: Rate
    full: Rate
    parallel: Rate


async def one_round(raw: list[dict[str, Any]], n: int) -> Round:
    """Measure the full stack (one at a time, then chats in parallel) between two echo runs.

    The round's echo rate is the mean of the runs before and after, so a drift of the
    machine's speed during the round affects both sides of the ratio alike.
    """
    before = await echo_rate(raw)
    rates: list[Rate] = []
    for concurrent in (False, True):
        with tempfile.TemporaryDirectory() as folder:
            app = prepare(Path(folder))
            try:
                rates.append(await stack_rate(app, raw, concurrent=concurrent))
                stored = app.db.run_sync(assists.count_assists)
            finally:
                app.close()
        assert stored == n, f"expected {n} stored sessions, found {stored}"
    after = await echo_rate(raw)
    bare = Rate((before.wall + after.wall) / 2, (before.cpu + after.cpu) / 2)
    return Round(bare, rates[0], rates[1])


def best(rates: list[Rate]) -> Rate:
    """Return the fastest of several measurements (the one least disturbed by the machine)."""
    return max(rates, key=lambda rate: rate.wall)


async def main(n: int, rounds: int) -> None:
    """Run the measurements in interleaved rounds and print each round and the best figures."""
    logging.basicConfig(level=logging.WARNING)
    raw = updates(n)
    await echo_rate(raw[: min(200, len(raw))])  # warm-up
    taken: list[Round] = []
    print(f"logs: {n} ({2 * n} updates) per run, {rounds} rounds; sessions stored per run: {n}")
    print("round   echo u/s   full u/s   ratio   parallel u/s   ratio")
    for index in range(rounds):
        got = await one_round(raw, n)
        taken.append(got)
        print(
            f"{index + 1:5d}   {got.echo.wall:8,.0f}   {got.full.wall:8,.0f}   "
            f"{got.full.wall / got.echo.wall:5.1%}   {got.parallel.wall:12,.0f}   "
            f"{got.parallel.wall / got.echo.wall:5.1%}"
        )
    bare = best([r.echo for r in taken])
    full = best([r.full for r in taken])
    parallel = best([r.parallel for r in taken])
    print("best of the rounds                   updates/s   per CPU-second")
    print(f"bare PTB echo                        {bare.wall:9,.0f}   {bare.cpu:14,.0f}")
    for label, rate in (
        ("full stack, one update at a time  ", full),
        (f"full stack, {USERS} chats in parallel", parallel),
    ):
        print(f"{label}   {rate.wall:9,.0f}   {rate.cpu:14,.0f}")
    one = statistics.median(r.full.wall / r.echo.wall for r in taken)
    many = statistics.median(r.parallel.wall / r.echo.wall for r in taken)
    print(f"ratio to echo, median of the rounds: one at a time {one:.1%}, in parallel {many:.1%}")
    print(f"peak RSS                             {peak_mib():9.1f} MiB")


if __name__ == "__main__":
    numbers = [int(a) for a in sys.argv[1:] if a.isdigit()]
    count = numbers[0] if numbers else 2000
    rounds = numbers[1] if len(numbers) > 1 else 7
    asyncio.run(main(count, rounds))
    if "--stages" in sys.argv:
        stage_breakdown(min(count, 1000))
