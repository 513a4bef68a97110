"""/mine: this week's and this month's work, the weekly streak, and the latest records."""

from __future__ import annotations

from datetime import date, timedelta

from bot.core.context import Context
from bot.core.flow import Outcome
from bot.core.messages import Button, Reply
from handlers.assistlog import stats, steps
from handlers.assistlog.render import (
    fmt_hours,
    fmt_short_day,
    record_line,
    service_label,
    team_name,
)
from storage import assist_stats, assists
from storage.assist_stats import PeriodTotals
from storage.assists import AssistRecord

RECENT = 10


def _period(ctx: Context, totals: PeriodTotals, header: str) -> list[str]:
    if not totals.sessions:
        return [ctx.t("log.mine.period_empty", period=header)]
    lines = [
        ctx.t(
            "log.mine.period",
            period=header,
            sessions=totals.sessions,
            people=totals.people,
            succeeded=totals.succeeded,
            hours=fmt_hours(ctx, totals.minutes),
        )
    ]
    lines += [
        ctx.t(
            "log.mine.service",
            service=service_label(ctx, s.service),
            people=s.people,
            succeeded=s.succeeded,
        )
        for s in totals.services
    ]
    return lines


def summary_lines(ctx: Context, person_id: int, today: date) -> list[str]:
    """Return the week, month and streak lines of a person."""
    week_start, week_end = stats.week_range(today)
    month_start, month_end = stats.month_range(today)
    week = assist_stats.period_totals(
        ctx.session, person_id=person_id, start=week_start, end=week_end
    )
    month = assist_stats.period_totals(
        ctx.session, person_id=person_id, start=month_start, end=month_end
    )
    days = assists.active_days(ctx.session, person_id=person_id, since=stats.streak_since(today))
    streak = stats.weekly_streak(days, today)
    week_header = ctx.t(
        "log.mine.week",
        start=fmt_short_day(week_start),
        end=fmt_short_day(week_end - timedelta(days=1)),
    )
    month_header = ctx.t("log.mine.month", month=today.strftime("%m/%Y"))
    lines = [ctx.t("log.mine.title")]
    lines += _period(ctx, week, week_header)
    lines += _period(ctx, month, month_header)
    lines.append(ctx.t("log.mine.streak", weeks=streak) if streak else ctx.t("log.mine.no_streak"))
    return lines


def _record_buttons(ctx: Context, records: list[AssistRecord]) -> tuple[tuple[Button, ...], ...]:
    return tuple(
        (
            Button(ctx.t("log.button.edit_id", id=r.id), f"lg:me:{r.id}"),
            Button(ctx.t("log.button.delete_id", id=r.id), f"lg:md:{r.id}"),
        )
        for r in records
    )


def _lines(ctx: Context, records: list[AssistRecord], *, with_team: bool) -> list[str]:
    areas: dict[int, dict[int, str]] = {}
    lines = []
    for record in records:
        if record.team_id not in areas:
            areas[record.team_id] = {
                a.id or 0: a.name for a in steps.team_areas(ctx, record.team_id)
            }
        line = record_line(ctx, record, areas[record.team_id])
        if with_team:
            line = f"{line} · {team_name(ctx, record.team_id)}"
        lines.append(line)
    return lines


def mine(ctx: Context) -> Outcome:
    """Show the sender's totals, streak and latest records (leaders also see their teams')."""
    today = ctx.local_now.date()
    lines = summary_lines(ctx, ctx.person_id, today)
    recent = assists.recent_assists(ctx.session, person_id=ctx.person_id, limit=RECENT)
    if recent:
        lines.append(ctx.t("log.mine.recent"))
        lines += _lines(ctx, recent, with_team=len(ctx.roles.teams) > 1)
    else:
        lines.append(ctx.t("log.mine.empty"))
    replies = [Reply(text="\n".join(lines), buttons=_record_buttons(ctx, recent))]
    led = ctx.roles.led_teams()
    team_records = assists.recent_team_assists(
        ctx.session, team_ids=led, exclude_person_id=ctx.person_id, limit=RECENT
    )
    if team_records:
        text = "\n".join(
            [ctx.t("log.mine.team"), *_lines(ctx, team_records, with_team=len(led) > 1)]
        )
        replies.append(Reply(text=text, buttons=_record_buttons(ctx, team_records)))
    return Outcome(replies)
