"""Texts of session logging: durations, days, service lines, the summary card, record lines."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from bot.core.context import Context
from domain.office_hours import day_kind, is_out_of_hours, is_out_of_hours_day
from domain.services import default_catalogue
from handlers.assistlog.draft import Draft
from handlers.common import decimal
from storage.assists import AssistRecord, ItemInput
from storage.teams import AreaRef


def service_label(ctx: Context, key: str) -> str:
    """Return a service's label in the sender's language."""
    return default_catalogue().label(key, ctx.locale)


def reason_label(ctx: Context, service: str, reason: str) -> str:
    """Return a failure reason's label in the sender's language."""
    return default_catalogue().reason_label(service, reason, ctx.locale)


def fmt_day(day: date) -> str:
    """Return a day as dd/mm/yyyy."""
    return day.strftime("%d/%m/%Y")


def fmt_short_day(day: date) -> str:
    """Return a day as dd/mm."""
    return day.strftime("%d/%m")


def fmt_duration(ctx: Context, minutes: int) -> str:
    """Return minutes as a friendly duration (45 phút, 1 giờ 30 phút)."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return ctx.t("log.duration.minutes", minutes=rest)
    if not rest:
        return ctx.t("log.duration.hours", hours=hours)
    return ctx.t("log.duration.hours_minutes", hours=hours, minutes=rest)


def fmt_hours(ctx: Context, minutes: int) -> str:
    """Return minutes as hours with one decimal, in the sender's number style."""
    return decimal(minutes / 60, ctx.locale)


@lru_cache(maxsize=512)
def _day_flags(day: date) -> tuple[bool, str]:
    """Return (whole day out of hours, day kind), cached: holiday lookups are not free."""
    return is_out_of_hours_day(day), day_kind(day)


def flags(day: date, moment: datetime, ctx: Context) -> tuple[bool, str]:
    """Return (out of hours, day kind) for a session on `day` logged at `moment`.

    On the day itself the moment decides (office windows); a past day is out of hours
    only when it is a weekend or a holiday.
    """
    whole_day, kind = _day_flags(day)
    if not whole_day and moment.astimezone(ctx.tz).date() == day:
        return is_out_of_hours(moment, tz=ctx.tz), kind
    return whole_day, kind


def team_name(ctx: Context, team_id: int | None) -> str:
    """Return the name of one of the sender's teams (or '#id' for another team)."""
    for role in ctx.roles.teams:
        if role.team_id == team_id:
            return role.team_name
    return f"#{team_id}"


def area_name(areas: list[AreaRef], area_id: int | None) -> str:
    """Return an area's name, or '' when there is none."""
    return next((a.name for a in areas if a.id == area_id), "")


def item_lines(ctx: Context, items: list[ItemInput]) -> list[str]:
    """Return one line per service, with the reasons when not everybody succeeded."""
    lines: list[str] = []
    for item in items:
        lines.append(
            ctx.t(
                "log.card.item",
                service=service_label(ctx, item.service),
                people=item.people,
                succeeded=item.succeeded,
            )
        )
        if item.reasons:
            labels = ", ".join(reason_label(ctx, item.service, r) for r in item.reasons)
            lines.append(ctx.t("log.card.reasons", reasons=labels))
    return lines


def day_line(ctx: Context, day: date, out_of_hours: bool, kind: str) -> str:
    """Return the day line with a weekend, holiday or out-of-hours mark."""
    weekday = ctx.t(f"logx.weekday.{day.weekday()}")
    line = ctx.t("log.card.day", day=f"{fmt_day(day)} ({weekday})")
    if kind == "holiday":
        return f"{line} · {ctx.t('log.card.holiday')}"
    if kind == "weekend":
        return f"{line} · {ctx.t('log.card.weekend')}"
    if out_of_hours:
        return f"{line} · {ctx.t('log.card.out_of_hours')}"
    return line


def card_text(ctx: Context, draft: Draft, areas: list[AreaRef], *, moment: datetime) -> str:
    """Return the summary card of a draft."""
    title = (
        ctx.t("log.card.title_edit", id=draft.edit)
        if draft.edit is not None
        else ctx.t("log.card.title")
    )
    team = team_name(ctx, draft.team)
    area = area_name(areas, draft.area)
    lines = [title]
    lines.append(
        ctx.t("log.card.team_area", team=team, area=area)
        if area
        else ctx.t("log.card.team", team=team)
    )
    lines.append(day_line(ctx, draft.day, *flags(draft.day, moment, ctx)))
    lines += kind_lines(ctx, draft.kind, draft.attendees, draft.households)
    lines += item_lines(ctx, draft.inputs())
    if draft.minutes is not None:
        lines.append(ctx.t("log.card.minutes", duration=fmt_duration(ctx, draft.minutes)))
    if draft.note:
        lines.append(ctx.t("log.card.note", note=draft.note))
    else:
        lines.append(ctx.t("log.card.note_hint"))
    if draft.assumed and draft.edit is None:
        lines += [ctx.t("logx.card.assumed"), *(f"• {text}" for text in draft.assumed)]
    return "\n".join(lines)


def kind_lines(ctx: Context, kind: str, attendees: int | None, households: int | None) -> list[str]:
    """Return the lines of an awareness session or a class, and of the households reached."""
    lines = []
    if kind != "assist":
        lines.append(ctx.t(f"logx.card.{kind}", attendees=attendees if attendees else "?"))
    if households:
        lines.append(ctx.t("logx.card.households", households=households))
    return lines


def kind_suffix(ctx: Context, record: AssistRecord) -> str:
    """Return the short mark of a session kind and households for a record line."""
    parts = []
    if record.kind != "assist":
        parts.append(ctx.t(f"logx.record.{record.kind}", attendees=record.attendees or 0))
    if record.households:
        parts.append(ctx.t("logx.record.households", households=record.households))
    return "".join(f" · {part}" for part in parts)


def record_line(ctx: Context, record: AssistRecord, areas: dict[int, str]) -> str:
    """Return one line describing a stored session (for /mine and confirmations)."""
    services = ", ".join(
        ctx.t("log.record.item", service=service_label(ctx, i.service), people=i.people,
              succeeded=i.succeeded)
        for i in record.items
    )  # fmt: skip
    suffix = kind_suffix(ctx, record)
    if not services and suffix:  # an awareness session or a class without service lines
        services, suffix = suffix.removeprefix(" · "), ""
    area = areas.get(record.area_id or 0, "")
    return ctx.t(
        "log.record.line",
        id=record.id,
        day=fmt_short_day(record.day),
        services=services,
        duration=fmt_duration(ctx, record.minutes),
        area=(f" · {area}" if area else "") + suffix,
    )


def redaction_notice(ctx: Context, kinds: frozenset[str]) -> str:
    """Tell the volunteer which kinds of personal data were removed from the note."""
    names = ", ".join(ctx.t(f"log.kind.{kind}") for kind in sorted(kinds))
    return ctx.t("log.redacted", kinds=names)
