"""The flow engine: find the first missing piece of a draft and ask for it, or show the card."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from bot.core.context import Context
from bot.core.flow import Outcome
from bot.core.messages import Reply
from bot.core.roles import MEMBERS
from domain.text import fold
from handlers.assistlog import questions as q
from handlers.assistlog.draft import Draft
from handlers.assistlog.render import card_text
from storage import assist_stats, teams
from storage.teams import AreaRef

logger = logging.getLogger(__name__)

TEAM = "log.team"
SERVICES = "log.svc"
PEOPLE = "log.people"
OK = "log.ok"
WHY = "log.why"
DAY = "log.day"
MINUTES = "log.min"
AREA = "log.area"
CARD = "log.card"
NOTE = "log.note"
EDIT = "log.edit"
RESUME = "log.resume"
ATTENDEES = "log.att"
HOUSEHOLDS = "log.hh"
DRAFT_STATES = frozenset(
    {TEAM, SERVICES, PEOPLE, OK, WHY, DAY, MINUTES, AREA, CARD, NOTE, EDIT, ATTENDEES, HOUSEHOLDS}
)
LOG_ROLES = MEMBERS


@dataclass(frozen=True)
class Gap:
    """The next question: a state and, for per-service questions, the item index."""

    state: str
    index: int = -1


def gap(draft: Draft) -> Gap:
    """Return the first thing still missing (area questions are settled in `proceed`)."""
    if draft.team is None:
        return Gap(TEAM)
    if not draft.items and draft.kind == "assist":
        return Gap(SERVICES)
    if draft.kind != "assist" and draft.attendees is None:
        return Gap(ATTENDEES)
    for index, item in enumerate(draft.items):
        if item.people is None:
            return Gap(PEOPLE, index)
        if item.ok is None:
            return Gap(OK, index)
        if not item.complete:
            return Gap(WHY, index)
    if draft.ask_day:
        return Gap(DAY)
    if draft.minutes is None:
        return Gap(MINUTES)
    if not draft.area_done:
        return Gap(AREA)
    return Gap(CARD)


def team_areas(ctx: Context, team_id: int | None) -> list[AreaRef]:
    """Return the areas of a team (none when the team is unknown)."""
    return [] if team_id is None else teams.areas_of(ctx.session, team_id)


def last_area(ctx: Context, team_id: int) -> int | None:
    """Return the area the sender used last in this team."""
    return assist_stats.last_area(ctx.session, person_id=ctx.person_id, team_id=team_id)


def match_areas(text: str, areas: list[AreaRef]) -> list[AreaRef]:
    """Find areas named by text, ignoring case, diacritics and spaces (exact, prefix, number)."""
    wanted = fold(text).lstrip("@").strip()
    if not wanted:
        return []
    tight = wanted.replace(" ", "")
    named = [(a, fold(a.name)) for a in areas]
    for test in (
        lambda name: name == wanted or name.replace(" ", "") == tight,
        lambda name: name.startswith(wanted) or name.replace(" ", "").startswith(tight),
        lambda name: _number(name) is not None and _number(name) == _number(wanted),
    ):
        found = [a for a, name in named if test(name)]
        if found:
            return found
    return _fuzzy(wanted, named)


def _number(text: str) -> str | None:
    digits = "".join(ch if ch.isdigit() else " " for ch in text).split()
    return digits[-1].lstrip("0") or "0" if digits else None


def _fuzzy(wanted: str, named: list[tuple[AreaRef, str]]) -> list[AreaRef]:
    choices = {index: name for index, (_, name) in enumerate(named)}
    scored = process.extract(wanted, choices, scorer=fuzz.WRatio, score_cutoff=85, limit=2)
    if not scored:
        return []
    best = scored[0][1]
    return [named[key][0] for _, score, key in scored if score == best]


def settle_area(ctx: Context, draft: Draft, areas: list[AreaRef]) -> str:
    """Decide the area without asking when possible; return a notice to show, or ''."""
    if draft.area_done:
        return ""
    if not areas:
        draft.area, draft.area_done = None, True
        if draft.area_text:
            notice = ctx.t("log.problem.no_areas", value=draft.area_text)
            draft.area_text = ""
            return notice
        return ""
    if draft.area_text:
        found = match_areas(draft.area_text, areas)
        if len(found) == 1:
            draft.area, draft.area_done, draft.area_text = found[0].id, True, ""
            return ""
        notice = ctx.t("log.problem.unknown_area", value=draft.area_text)
        draft.area_text = ""
        return notice
    if len(areas) == 1:
        draft.area, draft.area_done = areas[0].id, True
    elif draft.quick and draft.team is not None:
        last = last_area(ctx, draft.team)
        if any(a.id == last for a in areas):
            draft.area, draft.area_done = last, True
    return ""


def proceed(
    ctx: Context,
    draft: Draft,
    notices: list[str] | None = None,
    *,
    areas: list[AreaRef] | None = None,
) -> Outcome:
    """Ask the first missing piece of the draft, or show the summary card.

    `areas` are the team's areas when the caller has just read them (saves a query).
    """
    notes = list(notices or [])
    step = gap(draft)
    if step.state in (MINUTES, AREA, CARD) and areas is None:
        areas = team_areas(ctx, draft.team)
    if step.state in (AREA, CARD):
        notice = settle_area(ctx, draft, areas or [])
        if notice:
            notes.append(notice)
        step = gap(draft)
    reply = question(ctx, draft, step, areas or [])
    return ask(reply, step.state, draft, notes)


def ask(reply: Reply, state: str, draft: Draft, notes: list[str] | None = None) -> Outcome:
    """Send a question (after any notices) and move to its state with the draft as data."""
    if notes:
        reply = replace(reply, text="\n".join([*notes, reply.text]))
    return Outcome([reply], next_state=state, data=draft.to_data())


def question(ctx: Context, draft: Draft, step: Gap, areas: list[AreaRef]) -> Reply:
    """Return the question of a step."""
    if step.state == TEAM:
        return q.ask_team(ctx)
    if step.state == SERVICES:
        return q.ask_services(ctx, draft)
    if step.state == PEOPLE:
        return q.ask_people(ctx, draft, step.index)
    if step.state == OK:
        return q.ask_ok(ctx, draft, step.index)
    if step.state == WHY:
        return q.ask_why(ctx, draft, step.index)
    if step.state == DAY:
        return q.ask_day(ctx)
    if step.state == MINUTES:
        return q.ask_minutes(ctx, draft, areas)
    if step.state == ATTENDEES:
        return q.ask_attendees(ctx, draft)
    if step.state == AREA:
        last = last_area(ctx, draft.team) if draft.team is not None else None
        return q.ask_area(ctx, areas, last)
    return Reply(
        text=card_text(ctx, draft, areas, moment=ctx.now), buttons=q.card_buttons(ctx, draft)
    )


def reask(ctx: Context, draft: Draft, state: str, hint: str = "") -> Outcome:
    """Repeat the question of a state (after a hint), e.g. when text came instead of a tap."""
    notes = [hint] if hint else []
    if state == NOTE:
        return ask(q.ask_note(ctx, draft), NOTE, draft, notes)
    if state == EDIT:
        has_areas = bool(team_areas(ctx, draft.team))
        return ask(q.edit_menu(ctx, draft, has_areas), EDIT, draft, notes)
    if state == RESUME:
        return ask(q.ask_resume(ctx), RESUME, draft, notes)
    if state == HOUSEHOLDS:
        return ask(q.ask_households(ctx), HOUSEHOLDS, draft, notes)
    return proceed(ctx, draft, notes)
