"""The scripted conversation the scale and fault tests drive: an admin creating a team."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.core.i18n import Catalog
from tests.fakes import FakeTelegram

AREAS = "Tổ dân phố 1, Tổ dân phố 2"
STEPS = 5
Post = Callable[[int, dict[str, Any]], Awaitable[None]]


def newteam_steps(fake: FakeTelegram, user: int, ward: str, team: str) -> list[Callable[[], int]]:
    """Return the five updates of /newteam, each pushed to the fake when called."""
    return [
        lambda: fake.push_text(user, "/newteam"),
        lambda: fake.push_text(user, ward),
        lambda: fake.push_text(user, team),
        lambda: fake.push_text(user, AREAS),
        lambda: fake.push_callback(user, "team:ok"),
    ]


def newteam_replies(vi: Catalog, ward: str, team: str, team_id: int) -> list[str]:
    """Return the replies of the five /newteam steps, in order."""
    return [
        vi.text("team.ask_ward"),
        vi.text("team.ask_name"),
        vi.text("team.ask_areas"),
        vi.text("team.confirm", ward=ward, team=team, areas=AREAS),
        vi.text("team.created", team=team, ward=ward, id=team_id),
    ]


async def walk(
    fake: FakeTelegram,
    user: int,
    steps: list[Callable[[], int]],
    post: Post,
    timeout: float = 60.0,  # noqa: ASYNC109
) -> None:
    """Send each step like a person does: after the bot answered the step before."""
    for index, make in enumerate(steps):
        await post(index, fake.update(make()))
        await fake.wait_for("sendMessage", chat_id=user, ok=True, timeout=timeout)


def texts_to(fake: FakeTelegram, chat_id: int) -> list[str]:
    """Return the texts the fake accepted for one chat, in order."""
    return [
        str(call.params["text"])
        for call in fake.calls_of("sendMessage")
        if call.ok and call.params.get("chat_id") == chat_id
    ]
