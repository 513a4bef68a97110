"""Typed answers in the logging flow: numbers, '2/3', durations, dates, area names and notes."""

from __future__ import annotations

import re
from datetime import date

from bot.core.context import Context
from bot.core.flow import Outcome
from domain.quicklog import KIND_WORDS, MAX_ATTENDEES, MAX_PEOPLE, parse_quick_log
from domain.quicklog import reasons_at as _reasons_at
from domain.redact import redact
from domain.services import default_catalogue
from domain.text import fold
from handlers.assistlog import steps
from handlers.assistlog.buttons import set_ok
from handlers.assistlog.draft import Draft, Item
from handlers.assistlog.render import redaction_notice, service_label
from handlers.assistlog.save import clean_note
from handlers.assistlog.steps import gap, proceed, reask

_COUNT = re.compile(r"^(\d{1,4})\s*(?:ng|nguoi|people|persons?)?$")
_RATIO = re.compile(r"^(\d{1,4})\s*/\s*(\d{1,4})$")
_ALL = frozenset({"tat ca", "het", "ca", "all", "everyone", "du", "toan bo"})
_TODAY = frozenset({"hom nay", "hnay", "homnay", "bua nay", "bua ni", "today"})
_DURATION_CODES = frozenset({"bad_duration", "missing_duration", "multiple_durations"})
_DATE_CODES = frozenset({"bad_date", "future_date", "too_old", "multiple_dates"})
_COUNT_UNITS = frozenset(
    {"nguoi", "ng", "hoc vien", "hv", "nguoi tham du", "nguoi du", "ho", "ho gia dinh", "hgd"}
)


def parse_count(text: str) -> tuple[int | None, int | None] | None:
    """Read '3' as (3, None) and '2/3' as (3, 2); None when it is neither."""
    folded = fold(text).rstrip(".")
    if match := _COUNT.match(folded):
        return int(match[1]), None
    if match := _RATIO.match(folded):
        return int(match[2]), int(match[1])
    return None


def parse_minutes(text: str, today: date) -> int | None:
    """Read a duration with the quick log's grammar ('45p', '1h30', '2 giờ'); a bare number is minutes."""
    typed = text.strip()
    if typed.isascii() and typed.isdigit():
        typed += "p"
    log = parse_quick_log(typed, today=today, catalogue=default_catalogue())
    if log.minutes is None or {p.code for p in log.problems} & _DURATION_CODES:
        return None
    return log.minutes


def parse_day(text: str, today: date, max_days_back: int) -> date | None:
    """Read a day with the quick log's grammar ('3/3', 'hôm qua'); None when unreadable."""
    log = parse_quick_log(
        text, today=today, catalogue=default_catalogue(), max_days_back=max_days_back
    )
    if {p.code for p in log.problems} & _DATE_CODES or log.unknown_tokens:
        return None
    if log.day != today or fold(text) in _TODAY or any(ch.isdigit() for ch in text):
        return log.day
    return None


def _hint(ctx: Context, draft: Draft, key: str, **params: object) -> Outcome:
    """Say what was not understood, name the ways out, and ask again."""
    text = f"{ctx.t(key, **params)}\n{ctx.t('logx.way_out')}"
    return reask(ctx, draft, ctx.state, text)


def parse_number(text: str, most: int) -> int | None:
    """Read a count like '35', '35 người', '20 học viên', '2 hộ' (1..most); None otherwise."""
    words = fold(text).rstrip(".").split()
    if not words or not words[0].isascii() or not words[0].isdigit() or len(words[0]) > 5:
        return None
    if len(words) > 1 and " ".join(words[1:]) not in _COUNT_UNITS:
        return None
    value = int(words[0])
    return value if 1 <= value <= most else None


def take_service(ctx: Context, draft: Draft, text: str) -> Outcome:
    """Take a typed service word (a vague one is assumed and said), or a session kind."""
    kind = KIND_WORDS.get(fold(text))
    if kind is not None and not draft.multi and draft.edit is None:
        draft.kind, draft.items, draft.picks = kind, [], []
        return proceed(ctx, draft)
    found = default_catalogue().by_word(text)
    if found is None:
        words = ", ".join(default_catalogue().short_words())
        return _hint(ctx, draft, "logx.hint.service", words=words)
    service, assumed = found
    notes = []
    if assumed:
        notes.append(
            ctx.t(
                "logx.assumed.service", value=text.strip(), service=service_label(ctx, service.key)
            )
        )
    if draft.multi:
        if service.key not in draft.picks:
            draft.picks.append(service.key)
        return reask(ctx, draft, steps.SERVICES, "\n".join(notes))
    draft.items, draft.picks = [Item(service.key)], []
    draft.assumed += notes
    return proceed(ctx, draft, notes)


def answer(ctx: Context, draft: Draft) -> Outcome:
    """Handle text typed during the flow, by state."""
    text = ctx.msg.text.strip()
    state = ctx.state
    if state == steps.CARD and _another_log(ctx, text):
        # A second log line typed while this card waits is not a note: say so, lose nothing.
        return proceed(ctx, draft, [ctx.t("logx.card.pending", line=redact(text).text)])
    if state in (steps.CARD, steps.NOTE):
        return take_note(ctx, draft, text)
    if state == steps.SERVICES:
        return take_service(ctx, draft, text)
    if state == steps.ATTENDEES:
        value = parse_number(text, MAX_ATTENDEES)
        if value is None:
            return _hint(ctx, draft, "logx.hint.attendees", max=MAX_ATTENDEES)
        draft.attendees = value
        return proceed(ctx, draft)
    if state == steps.HOUSEHOLDS:
        value = parse_number(text, MAX_PEOPLE)
        if value is None:
            return _hint(ctx, draft, "logx.hint.households", max=MAX_PEOPLE)
        draft.households = value
        return proceed(ctx, draft)
    if state in (steps.PEOPLE, steps.OK):
        return take_count(ctx, draft, text)
    if state == steps.WHY:
        return take_reasons(ctx, draft, text)
    if state == steps.DAY:
        day = parse_day(text, ctx.local_now.date(), ctx.settings.log_max_days_back)
        if day is None:
            return _hint(ctx, draft, "log.hint.day", max_days_back=ctx.settings.log_max_days_back)
        draft.day, draft.ask_day = day, False
        return proceed(ctx, draft)
    if state == steps.MINUTES:
        minutes = parse_minutes(text, ctx.local_now.date())
        if minutes is None:
            return _hint(ctx, draft, "log.hint.duration")
        draft.minutes = minutes
        return proceed(ctx, draft)
    if state == steps.AREA:
        areas = steps.team_areas(ctx, draft.team)
        found = steps.match_areas(text, areas)
        if len(found) != 1:
            return _hint(ctx, draft, "log.hint.area")
        draft.area, draft.area_done = found[0].id, True
        return proceed(ctx, draft, areas=areas)
    return _hint(ctx, draft, "log.hint.buttons")


def take_reasons(ctx: Context, draft: Draft, text: str) -> Outcome:
    """Tick failure reasons typed in words ('vì sim', 'otp và nfc'); one failure goes on."""
    step = gap(draft)
    item = draft.items[step.index] if step.state == steps.WHY else None
    service = default_catalogue().get(item.service) if item is not None else None
    words = fold(text).replace(",", " ").split()
    found: list[str] = []
    i = 0
    while i < len(words):
        used = _reasons_at(words, i, found)
        i += used or 1
    keys = [k for k in dict.fromkeys(found) if service is not None and service.reason(k)]
    if item is None or not keys:
        return _hint(ctx, draft, "log.hint.buttons")
    item.reasons = list(dict.fromkeys([*item.reasons, *keys]))
    if (item.people or 0) - (item.ok or 0) == 1:
        item.reasons_done = True
        return proceed(ctx, draft)
    return reask(ctx, draft, steps.WHY)


def take_count(ctx: Context, draft: Draft, text: str) -> Outcome:
    """Store a typed number of people ('3'), of successes, or both ('2/3')."""
    step = gap(draft)
    if step.state not in (steps.PEOPLE, steps.OK):
        return _hint(ctx, draft, "log.hint.buttons")
    item = draft.items[step.index]
    if step.state == steps.OK and fold(text) in _ALL:
        set_ok(item, item.people or 0)
        return proceed(ctx, draft)
    parsed = parse_count(text)
    if parsed is None:
        return _hint(ctx, draft, "log.hint.number")
    people, ok = parsed
    if step.state == steps.OK and ok is None:
        people, ok = item.people, people
    if people is None or (ok is None and step.state == steps.OK):
        return _hint(ctx, draft, "log.hint.number")
    if not 1 <= people <= MAX_PEOPLE:
        return _hint(ctx, draft, "log.hint.people_range", max=MAX_PEOPLE)
    if ok is not None and ok > people:
        return _hint(ctx, draft, "log.hint.ok_over", people=people)
    item.people = people
    if ok is not None:
        set_ok(item, ok)
    return proceed(ctx, draft)


def _another_log(ctx: Context, text: str) -> bool:
    from handlers.assistlog.freetext import reads_like_new_log  # freetext imports this package

    return reads_like_new_log(ctx, text)


def take_note(ctx: Context, draft: Draft, text: str) -> Outcome:
    """Store a note without personal data, telling the volunteer what was removed."""
    draft.note, kinds = clean_note(text)
    notices = [redaction_notice(ctx, kinds)] if kinds else []
    return proceed(ctx, draft, notices)
