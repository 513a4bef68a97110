"""The guided /log paths whose taps are counted (by the tests and by benchmarks/log_taps.py).

A path starts from the main menu (the tap on "Ghi nhận" counts) and ends with the confirming tap.
Typed messages are counted apart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from bot.app import App
from storage.assists import ItemInput
from tests.factories import Harness, User
from tests.handlers.log_helpers import add_member, area_ids, make_team, records, store, volunteer

L2 = "vneid_level2"


@dataclass(frozen=True)
class Count:
    """Taps and typed messages of one path."""

    taps: int
    typed: int


async def play(user: User, script: list[str]) -> Count:
    """Press 'menu:'/'lg:' payloads (each must be offered) and type the rest; count both."""
    taps = typed = 0
    for step in script:
        if step.startswith(("lg:", "menu:")):
            assert step in user.payloads(), (step, user.payloads(), user.text())
            await user.press(step)
            taps += 1
        else:
            await user.say(step)
            typed += 1
    return Count(taps, typed)


def _returning(harness: Harness, app: App, areas: tuple[str, ...]) -> tuple[User, int]:
    """A volunteer who logged before (30 minutes, in 'Tổ dân phố 12' when the team has areas)."""
    team = make_team(app, areas=areas)
    person = add_member(app, team, "v1")
    user = harness.user("v1")
    area = area_ids(app, team).get("Tổ dân phố 12")
    store(app, person_id=person, team_id=team, day=date(2026, 3, 2),
          items=[ItemInput(L2, 1, 1)], minutes=30, area_id=area)  # fmt: skip
    return user, area or 0


async def common(harness: Harness, app: App) -> Count:
    """One service, all succeeded, today, the usual duration and area: a returning volunteer."""
    user, area = _returning(harness, app, ("Tổ dân phố 1", "Tổ dân phố 12"))
    await user.say("/start")
    return await play(user, ["menu:log", f"lg:s:{L2}", "lg:n:0:3", "lg:k:0:3",
                             f"lg:u:30:{area}", "lg:save"])  # fmt: skip


async def failure(harness: Harness, app: App) -> Count:
    """One service, one of two failed with one reason, the usual duration and area."""
    user, area = _returning(harness, app, ("Tổ dân phố 1", "Tổ dân phố 12"))
    await user.say("/start")
    return await play(user, ["menu:log", f"lg:s:{L2}", "lg:n:0:2", "lg:k:0:1",
                             "lg:r:0:sim_not_own_name", f"lg:u:30:{area}", "lg:save"])  # fmt: skip


async def first_time(harness: Harness, app: App) -> Count:
    """The common case for a volunteer's first log: no usual duration or area yet."""
    team = make_team(app)
    user = volunteer(harness, team)
    area = area_ids(app, team)["Tổ dân phố 12"]
    await user.say("/start")
    return await play(user, ["menu:log", f"lg:s:{L2}", "lg:n:0:3", "lg:k:0:3", "lg:m:30",
                             f"lg:a:{area}", "lg:save"])  # fmt: skip


async def awareness(harness: Harness, app: App) -> Count:
    """An awareness session with 35 attendees, the usual duration and area."""
    user, area = _returning(harness, app, ("Tổ dân phố 1", "Tổ dân phố 12"))
    await user.say("/start")
    return await play(user, ["menu:log", "lg:kd:awareness", "35", f"lg:u:30:{area}", "lg:save"])


PATHS: dict[str, tuple[Callable[[Harness, App], Awaitable[Count]], int]] = {
    "common case (returning volunteer)": (common, 6),
    "one failure and its reason": (failure, 8),
    "first log ever (duration and area asked)": (first_time, 7),
    "awareness session (attendees typed)": (awareness, 6),
}
"""Path name → (player, the most taps allowed)."""


def stored(app: App) -> list[tuple[str, int, int, tuple[str, ...]]]:
    """Return the newest record's lines."""
    return [(i.service, i.people, i.succeeded, i.reasons) for i in records(app)[-1].items]
