"""Where a resident lives: pick the ward, then the team (by its areas), remembered for next time."""

from __future__ import annotations

import re

from bot.core.context import Context
from bot.core.flow import Outcome
from bot.core.messages import Button, Reply
from domain.text import fold
from handlers.common import end, say
from handlers.faq import send
from handlers.faq.answers import number, payload
from storage import handoff as store
from storage import teams
from storage.handoff import Status
from storage.models import Team, Ward

PLACE_STATE = "handoff.place"
PER_PAGE = 7
MAX_LABEL = 60
# Short forms residents type for an area's kind ("tdp 2" for "tổ dân phố 2"), folded.
_SHORT_FORMS = ((re.compile(r"\bto dan pho\b"), "tdp"), (re.compile(r"\bkhu pho\b"), "kp"))
_SEPARATORS = re.compile(r"[^\w]+")


def _area_form(text: str) -> str:
    """Return text folded, with short forms for kinds of areas and single spaces around words."""
    folded = _SEPARATORS.sub(" ", fold(text))
    for pattern, short in _SHORT_FORMS:
        folded = pattern.sub(short, folded)
    return f" {' '.join(folded.split())} "


def team_named_in(ctx: Context, *texts: str) -> int | None:
    """Return the one team covering an area the resident named ("tổ dân phố 2"), else None.

    Whole words only ("tổ dân phố 2" is not "tổ dân phố 21"); an area name two teams share
    names neither.
    """
    written = "".join(_area_form(text) for text in texts if text)
    if not written.strip():
        return None
    found = {
        area.team_id
        for area in teams.all_areas(ctx.session)
        if len(name := _area_form(area.name).strip()) >= 3 and f" {name} " in written
    }
    return found.pop() if len(found) == 1 else None


def _page(
    items: list[Button], page: int, label: str, more: tuple[object, ...]
) -> tuple[tuple[Button, ...], ...]:
    """Return one page of buttons, with a 'more' button that wraps around to the first page."""
    pages = max(1, -(-len(items) // PER_PAGE))
    page = min(max(page, 1), pages)
    shown = [(button,) for button in items[(page - 1) * PER_PAGE : page * PER_PAGE]]
    if pages > 1:
        next_page = page + 1 if page < pages else 1
        shown.append((Button(label, payload(*more, next_page)),))
    return tuple(shown)


def _wards(ctx: Context) -> list[Ward]:
    with_teams = {team.ward_id for team in teams.list_teams(ctx.session)}
    return [ward for ward in teams.list_wards(ctx.session) if ward.id in with_teams]


def _team_label(ctx: Context, team: Team) -> str:
    areas = [area.name for area in teams.areas_of(ctx.session, team.id or 0)]
    label = f"{team.name} · {', '.join(areas)}" if areas else team.name
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def ask_ward(ctx: Context, handoff_id: int, page: int) -> Outcome:
    """Ask which ward the resident lives in (skipped when there is only one)."""
    wards = _wards(ctx)
    if not wards:
        _drop(ctx, handoff_id)
        return end(ctx, "handoff.no_teams")
    if len(wards) == 1 and wards[0].id is not None:
        return ask_team(ctx, handoff_id, wards[0].id, 1)
    buttons = [Button(ward.name, payload("ho", "w", ward.id)) for ward in wards]
    pages = _page(buttons, page, ctx.t("handoff.more"), ("ho", "wp"))
    reply = Reply(text=ctx.t("handoff.pick_ward"), buttons=pages)
    return Outcome([reply], next_state=PLACE_STATE, data={"h": handoff_id})


def ask_team(ctx: Context, handoff_id: int, ward_id: int, page: int) -> Outcome:
    """Ask which team of the ward covers the resident (picked at once when there is one)."""
    ward = teams.get_ward(ctx.session, ward_id)
    found = teams.list_teams(ctx.session, ward_id=ward_id)
    if ward is None or not found:
        return say(ctx, "error.stale_button")
    if len(found) == 1 and found[0].id is not None:
        return choose_team(ctx, handoff_id, found[0].id)
    buttons = [Button(_team_label(ctx, team), payload("ho", "t", team.id)) for team in found]
    pages = _page(buttons, page, ctx.t("handoff.more"), ("ho", "tp", ward_id))
    reply = Reply(text=ctx.t("handoff.pick_team", ward=ward.name), buttons=pages)
    return Outcome([reply], next_state=PLACE_STATE, data={"h": handoff_id})


def choose_team(ctx: Context, handoff_id: int, team_id: int) -> Outcome:
    """Remember the resident's team and send the handoff there."""
    if teams.get_team(ctx.session, team_id) is None:
        return say(ctx, "error.stale_button")
    store.remember_place(ctx.session, person_id=ctx.person_id, team_id=team_id, now=ctx.now)
    return send.submit(ctx, handoff_id, team_id)


def change(ctx: Context, handoff_id: int) -> Outcome:
    """Let the resident send a waiting handoff to another team."""
    handoff = store.get(ctx.session, handoff_id)
    if handoff is None or handoff.resident_id != ctx.person_id:
        return say(ctx, "error.not_allowed")
    if handoff.status not in store.WAITING:
        return say(ctx, "handoff.closed")
    return ask_ward(ctx, handoff_id, 1)


def on_button(ctx: Context, action: str, rest: list[str]) -> Outcome:
    """Handle the ward and team buttons of the flow the resident is in."""
    handoff_id = ctx.data.get("h")
    if ctx.state != PLACE_STATE or not isinstance(handoff_id, int):
        return say(ctx, "error.stale_button")
    handoff = store.get(ctx.session, handoff_id)
    if handoff is None or handoff.resident_id != ctx.person_id:
        return end(ctx, "error.stale_button")
    values = [number(part) for part in rest]
    if any(value is None for value in values):
        return say(ctx, "error.stale_button")
    numbers = [value for value in values if value is not None]
    if action == "wp" and len(numbers) == 1:
        return ask_ward(ctx, handoff_id, numbers[0])
    if action == "w" and len(numbers) == 1:
        return ask_team(ctx, handoff_id, numbers[0], 1)
    if action == "tp" and len(numbers) == 2:
        return ask_team(ctx, handoff_id, numbers[0], numbers[1])
    if action == "t" and len(numbers) == 1:
        return choose_team(ctx, handoff_id, numbers[0])
    return say(ctx, "error.stale_button")


def _drop(ctx: Context, handoff_id: int) -> None:
    store.finish(
        ctx.session,
        handoff_id=handoff_id,
        by="nobody",
        now=ctx.now,
        status=Status.EXPIRED,
        only=(Status.DRAFT.value,),
    )
