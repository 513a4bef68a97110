"""Replies that reach a web visitor from elsewhere live in the database (issue 16, point 10).

A resident on the web chat asks for a volunteer; the volunteer answers on Telegram. Real
`python -m bot run --webhook` worker processes serve both the web chat and the Telegram
webhook (a fake Bot API stands in for Telegram). On PostgreSQL two workers share the work
and the resident's page polls either of them; on SQLite the one worker is restarted before
the page polls. Either way each reply reaches the resident exactly once, in order.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import build_app
from bot.core.i18n import default_translations
from bot.settings import Settings
from storage import web_pending
from storage.db import Database
from tests.factories import add_member, make_team
from tests.fakes import FakeTelegram
from tests.scale.workers import TOKEN, Worker, post_update, worker_env

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
RESIDENT = "web-resident-0123456789"
VOLUNTEER = 6262
VI = default_translations("vi").get("vi")
ANSWERS = ("Bác bấm «Quên mật khẩu» nhé", "Rồi nhập mã OTP gửi về máy", "Xong thì đặt mật khẩu mới")


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN) as server:
        yield server


def team_with_a_telegram_volunteer(db_url: str) -> None:
    app = build_app(replace(Settings(), database_url=db_url), migrate=False)
    try:
        add_member(app, make_team(app), str(VOLUNTEER), channel="telegram")
    finally:
        app.close()


async def web_say(http: aiohttp.ClientSession, worker: Worker, **body: str) -> list[dict[str, Any]]:
    """Send what the resident's page sends; return the replies in the answer."""
    async with http.post(
        f"{worker.url}/web/api/message", json={"browser_id": RESIDENT, **body}
    ) as response:
        assert response.status == 200, await response.text()
        replies: list[dict[str, Any]] = (await response.json())["replies"]
        return replies


async def web_poll(http: aiohttp.ClientSession, worker: Worker) -> list[str]:
    """Poll like the page does; return the texts of the replies kept for the resident."""
    async with http.get(f"{worker.url}/web/api/poll", params={"browser_id": RESIDENT}) as resp:
        assert resp.status == 200
        return [reply["text"] for reply in (await resp.json())["replies"]]


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:  # noqa: ASYNC109
    """Wait for a condition that another process makes true (checked every 50 ms).

    The workers apply webhook updates after answering 200 and no event crosses the process
    boundary, so the database is read until the replies are kept there.
    """
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - the event happens in another process
            await asyncio.sleep(0.05)


def kept(database: Database) -> int:
    return database.run_sync(web_pending.count)


async def hand_off_and_answer(
    http: aiohttp.ClientSession,
    fake: FakeTelegram,
    database: Database,
    on: Callable[[int], Worker],
) -> list[str]:
    """The resident asks for a volunteer, who takes the request and answers three times.

    Step n goes to worker on(n). Returns what the resident must receive, in order.
    """
    [answer] = await web_say(http, on(0), text="quen mat khau vneid")
    [ask] = [
        b["payload"] for row in answer["buttons"] for b in row if b["payload"].startswith("ho:ask:")
    ]
    placed = await web_say(http, on(1), payload=ask)
    assert placed[0]["text"].startswith(
        VI.text("handoff.sent", team="Tổ 12", ward="Phường Hải Châu")
    )
    assert kept(database) == 0, "replies to the resident's own requests are never kept"

    notice = await fake.wait_for("sendMessage", chat_id=VOLUNTEER, timeout=30)
    [take] = [
        b["callback_data"] for row in notice.params["reply_markup"]["inline_keyboard"] for b in row
    ]
    update = fake.update(fake.push_callback(VOLUNTEER, take, first_name="Minh"))
    assert await post_update(http, on(2).hook_url, update) == 200
    await until(lambda: kept(database) == 1)
    for step, text in enumerate(ANSWERS, start=3):
        update = fake.update(fake.push_text(VOLUNTEER, text, first_name="Minh"))
        assert await post_update(http, on(step).hook_url, update) == 200
        await until(lambda step=step: kept(database) == step - 1)  # type: ignore[misc]
    return [VI.text("handoff.taken_resident")] + [
        VI.text("handoff.from_volunteer", text=text) for text in ANSWERS
    ]


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
async def test_two_workers_on_postgresql_each_reply_reaches_the_resident_once(
    db_url: str, fake: FakeTelegram, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    team_with_a_telegram_volunteer(db_url)
    env = worker_env(db_url, fake.base_url)
    workers = [Worker(env, tmp_path / f"worker{n}.log", tmp_path) for n in range(2)]
    database = Database(db_url)
    try:
        await asyncio.gather(*(worker.start() for worker in workers))
        expected = await hand_off_and_answer(http, fake, database, lambda n: workers[n % 2])
        first, second = await asyncio.gather(*(web_poll(http, worker) for worker in workers))
        assert sorted(first + second) == sorted(expected), "every reply, whichever worker polls"
        assert not set(first) & set(second), "and none twice"
        for part in (first, second):
            assert part == [text for text in expected if text in part], "in order"
        assert kept(database) == 0
        assert await web_poll(http, workers[0]) == [] and await web_poll(http, workers[1]) == []
    finally:
        codes = await asyncio.gather(*(worker.terminate() for worker in workers))
        database.close()
    assert codes == [0, 0], [worker.log_tail() for worker in workers]
    for worker in workers:
        assert "Traceback" not in worker.log(), worker.log_tail()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_on_sqlite_kept_replies_survive_a_restart(
    db_url: str, fake: FakeTelegram, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    team_with_a_telegram_volunteer(db_url)
    env = worker_env(db_url, fake.base_url)
    before = Worker(env, tmp_path / "before.log", tmp_path)
    database = Database(db_url)
    try:
        await before.start()
        expected = await hand_off_and_answer(http, fake, database, lambda _n: before)
        assert await before.terminate() == 0, before.log_tail()
        after = Worker(env, tmp_path / "after.log", tmp_path)
        await after.start()
        try:
            assert await web_poll(http, after) == expected
            assert await web_poll(http, after) == []
        finally:
            assert await after.terminate() == 0, after.log_tail()
    finally:
        await before.terminate()
        database.close()
