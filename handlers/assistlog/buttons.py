"""Taps on the logging flow's buttons: each checks the state and its values, then moves on."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from bot.core.context import Context
from bot.core.flow import Outcome
from bot.core.messages import Reply
from domain.quicklog import MAX_MINUTES, MAX_PEOPLE
from domain.services import default_catalogue
from handlers.assistlog import questions as q
from handlers.assistlog import steps
from handlers.assistlog.draft import Draft, Item
from handlers.assistlog.save import save
from handlers.assistlog.steps import Gap, ask, gap, proceed
from handlers.common import number

logger = logging.getLogger(__name__)
Action = Callable[[Context, Draft, list[str]], Outcome | None]


def stale(ctx: Context) -> Outcome:
    """Refuse an outdated or forged button without changing anything."""
    logger.info("Stale or forged logging button from %s", ctx.key)
    return Outcome([Reply(text=ctx.t("error.stale_button"))])


def _item_at(draft: Draft, args: list[str], state: str) -> tuple[int, Item] | None:
    """Return the item a per-service button names, if it is the one being asked about."""
    index = number(args[0]) if args else None
    current = gap(draft)
    if index is None or current != Gap(state, index):
        return None
    return index, draft.items[index]


def pick_team(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Store the chosen team."""
    team = number(args[0]) if args else None
    if team is None or team not in ctx.roles.member_teams():
        return None
    draft.team, draft.area, draft.area_done, draft.area_text = team, None, False, ""
    return proceed(ctx, draft)


def pick_service(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Pick one service and go on, or tick it when several are being picked."""
    key = args[0] if args else ""
    if default_catalogue().get(key) is None:
        return None
    if draft.multi:
        draft.picks = (
            [k for k in draft.picks if k != key] if key in draft.picks else [*draft.picks, key]
        )
        return ask(q.ask_services(ctx, draft), steps.SERVICES, draft)
    draft.items = [Item(key)]
    return proceed(ctx, draft)


def turn_page(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Show the first or the second page of services."""
    page = number(args[0]) if args else None
    if page not in (0, 1):
        return None
    draft.page = page or 0
    return ask(q.ask_services(ctx, draft), steps.SERVICES, draft)


def several(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Switch the service question to ticking several services."""
    draft.multi = True
    return ask(q.ask_services(ctx, draft), steps.SERVICES, draft)


def done_picking(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Take the ticked services and ask about each."""
    if not draft.multi or not draft.picks:
        return None
    draft.items = [Item(key) for key in draft.picks]
    draft.picks, draft.multi, draft.page = [], False, 0
    return proceed(ctx, draft)


def people(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Store how many people were helped with the current service."""
    found = _item_at(draft, args, steps.PEOPLE)
    value = number(args[1]) if len(args) > 1 else None
    if found is None or value is None or not 1 <= value <= 5:
        return None
    found[1].people = value
    return proceed(ctx, draft)


def succeeded(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Store how many of them succeeded."""
    found = _item_at(draft, args, steps.OK)
    value = number(args[1]) if len(args) > 1 else None
    if found is None or value is None or not 0 <= value <= (found[1].people or 0):
        return None
    set_ok(found[1], value)
    return proceed(ctx, draft)


def set_ok(item: Item, value: int) -> None:
    """Store a success count, dropping reasons when everybody succeeded."""
    item.ok = min(value, MAX_PEOPLE)
    if item.people is not None and item.ok >= item.people:
        item.reasons, item.reasons_done = [], True
    else:
        item.reasons_done = False


def toggle_reason(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Tick or untick one failure reason."""
    found = _item_at(draft, args, steps.WHY)
    service = default_catalogue().get(found[1].service) if found else None
    key = args[1] if len(args) > 1 else ""
    if found is None or service is None or service.reason(key) is None:
        return None
    index, item = found
    ticked = key not in item.reasons
    item.reasons = [*item.reasons, key] if ticked else [r for r in item.reasons if r != key]
    if ticked and (item.people or 0) - (item.ok or 0) == 1:  # one failure: one reason, go on
        item.reasons_done = True
        return proceed(ctx, draft)
    return ask(q.ask_why(ctx, draft, index), steps.WHY, draft)


def reasons_done(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Finish the reasons of the current service."""
    found = _item_at(draft, args, steps.WHY)
    if found is None:
        return None
    found[1].reasons_done = True
    return proceed(ctx, draft)


def pick_day(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Store the day (today, yesterday or the day before)."""
    back = number(args[0]) if args else None
    if back is None or not 0 <= back < q.DAY_CHOICES:
        return None
    draft.day, draft.ask_day = ctx.local_now.date() - timedelta(days=back), False
    return proceed(ctx, draft)


def pick_minutes(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Store the time spent."""
    minutes = number(args[0]) if args else None
    if minutes is None or not 1 <= minutes <= MAX_MINUTES:  # a choice or the usual duration
        return None
    draft.minutes = minutes
    return proceed(ctx, draft)


def pick_area(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Store the area (one of the team's)."""
    area = number(args[0]) if args else None
    areas = steps.team_areas(ctx, draft.team)
    if area is None or area not in {a.id for a in areas}:
        return None
    draft.area, draft.area_done, draft.area_text = area, True, ""
    return proceed(ctx, draft, areas=areas)


def pick_kind(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Log an awareness session or a class instead of one-to-one help."""
    kind = args[0] if args else ""
    if kind not in ("awareness", "class") or draft.edit is not None:
        return None
    draft.kind, draft.items, draft.picks, draft.multi = kind, [], [], False
    return proceed(ctx, draft)


def usual(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Take the one-tap default: the usual duration and the last area."""
    minutes = number(args[0]) if args else None
    area = number(args[1]) if len(args) > 1 else None
    areas = steps.team_areas(ctx, draft.team)
    if minutes is None or not 1 <= minutes <= MAX_MINUTES or area not in {a.id for a in areas}:
        return None
    draft.minutes, draft.area, draft.area_done, draft.area_text = minutes, area, True, ""
    return proceed(ctx, draft, areas=areas)


def open_households(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Ask for the households reached (optional)."""
    return ask(q.ask_households(ctx), steps.HOUSEHOLDS, draft)


def pick_households(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Store the households reached from a button."""
    value = number(args[0]) if args else None
    if value is None or not 1 <= value <= q.HOUSEHOLD_BUTTONS:
        return None
    draft.households = value
    return proceed(ctx, draft)


def confirm(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Save the session (or the correction)."""
    return save(ctx, draft)


def open_note(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Ask for a note."""
    return ask(q.ask_note(ctx, draft), steps.NOTE, draft)


def open_edit(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Show the edit menu."""
    return steps.reask(ctx, draft, steps.EDIT)


def cancel(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Drop the draft without saving."""
    return Outcome([Reply(text=ctx.t("log.cancelled"))], next_state=None)


def skip_note(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Go back to the card without a (new) note."""
    return proceed(ctx, draft)


def clear_note(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Remove the note."""
    draft.note = ""
    return proceed(ctx, draft)


def edit_field(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Reopen one part of the draft so its question is asked again."""
    name = args[0] if args else ""
    areas = steps.team_areas(ctx, draft.team)
    has_areas = bool(areas)
    if name == "back":
        return proceed(ctx, draft, areas=areas)
    if name not in q.edit_fields(ctx, draft, has_areas):
        return None
    if name == "note":
        return ask(q.ask_note(ctx, draft), steps.NOTE, draft)
    if name == "num":
        for item in draft.items:
            item.reset()
        if draft.kind != "assist":
            draft.attendees = None
    elif name == "min":
        draft.minutes = None
    elif name == "day":
        draft.ask_day = True
    elif name == "area":
        draft.area, draft.area_done, draft.area_text, draft.quick = None, False, "", False
    elif name == "svc":
        draft.picks, draft.multi, draft.items = [i.service for i in draft.items], True, []
        draft.kind, draft.attendees = "assist", None
    elif name == "team":
        draft.team, draft.area, draft.area_done, draft.area_text = None, None, False, ""
    return proceed(ctx, draft)


def resume(ctx: Context, draft: Draft, args: list[str]) -> Outcome | None:
    """Continue the unfinished log where it stopped."""
    previous, draft.prev = draft.prev, ""
    return steps.reask(ctx, draft, previous if previous in steps.DRAFT_STATES else steps.CARD)


# action → (states where it is valid, handler)
ACTIONS: dict[str, tuple[frozenset[str], Action]] = {
    "t": (frozenset({steps.TEAM}), pick_team),
    "s": (frozenset({steps.SERVICES}), pick_service),
    "pg": (frozenset({steps.SERVICES}), turn_page),
    "multi": (frozenset({steps.SERVICES}), several),
    "done": (frozenset({steps.SERVICES}), done_picking),
    "n": (frozenset({steps.PEOPLE}), people),
    "k": (frozenset({steps.OK}), succeeded),
    "r": (frozenset({steps.WHY}), toggle_reason),
    "nx": (frozenset({steps.WHY}), reasons_done),
    "d": (frozenset({steps.DAY}), pick_day),
    "m": (frozenset({steps.MINUTES}), pick_minutes),
    "a": (frozenset({steps.AREA}), pick_area),
    "kd": (frozenset({steps.SERVICES}), pick_kind),
    "u": (frozenset({steps.MINUTES}), usual),
    "hh": (frozenset({steps.CARD}), open_households),
    "hn": (frozenset({steps.HOUSEHOLDS}), pick_households),
    "save": (frozenset({steps.CARD}), confirm),
    "note": (frozenset({steps.CARD}), open_note),
    "edit": (frozenset({steps.CARD}), open_edit),
    "x": (steps.DRAFT_STATES | {steps.RESUME}, cancel),
    "skip": (frozenset({steps.NOTE}), skip_note),
    "clr": (frozenset({steps.NOTE}), clear_note),
    "e": (frozenset({steps.EDIT}), edit_field),
    "go": (frozenset({steps.RESUME}), resume),
}
