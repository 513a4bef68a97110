"""/digest and /hours: the weekly digest and volunteer hours (/report is in monthly.py)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.context import Context
from bot.core.flow import Outcome
from bot.core.messages import Document, Image, Reply
from domain.funding import FundingRule, funding_rule
from domain.periods import Week
from handlers.leaders.digest_view import digest_caption, digest_chart, digest_text
from handlers.leaders.hours_view import hours_text, hours_xlsx
from handlers.leaders.scope import current_month, default_month, parse_args, team_for
from storage import digests
from storage.hours import hours_report


@dataclass(frozen=True)
class Funding:
    """The allowance rule used by /hours when registered as a component (tests, other wirings)."""

    rule: FundingRule | None


def _rule(ctx: Context) -> FundingRule | None:
    """Return the registered rule, else the province's file (locales/funding/<BOT_PROVINCE>.yaml)."""
    found = ctx.parts.components.get(Funding)
    return found.rule if isinstance(found, Funding) else funding_rule(ctx.settings.province)


def digest(ctx: Context) -> Outcome:
    """Show the last full week's digest of a team: the chart and the text."""
    args = parse_args(ctx.msg.args, cutoff=ctx.settings.report_cutoff_day, usage="digest.usage")
    team = team_for(ctx, args.team_id)
    assert team.id is not None
    week = Week.containing(ctx.local_now.date()).shift(-1)
    if "now" in (w.casefold() for w in args.rest) or "nay" in (w.casefold() for w in args.rest):
        week = week.shift(1)
    data = digests.team_weeks(
        ctx.session, week=week, tz=ctx.tz, cutoff=ctx.settings.report_cutoff_day, team_ids=[team.id]
    )[team.id]
    chart = digest_chart(ctx.catalog, data)
    today = ctx.local_now.date()
    text = digest_text(ctx.catalog, ctx.locale, data, today=today, chart_problem=chart.problem)
    replies = [Reply(text=text)]
    if chart.png is not None:
        caption = digest_caption(ctx.catalog, data)
        replies.insert(0, Reply(image=Image(chart.png, caption=caption, filename="digest.png")))
    return Outcome(replies)


def hours(ctx: Context) -> Outcome:
    """Show a team's volunteer hours and allowance for a month ('xlsx' adds the file)."""
    args = parse_args(ctx.msg.args, cutoff=ctx.settings.report_cutoff_day, usage="hours.usage")
    if args.rest or args.fmt == "csv":
        return Outcome([Reply(text=ctx.t("hours.usage"))])
    team = team_for(ctx, args.team_id)
    assert team.id is not None
    month = args.month or default_month(ctx)
    data = hours_report(ctx.session, team_id=team.id, month=month, rule=_rule(ctx))
    running = None if args.month else current_month(ctx)
    text = hours_text(ctx.catalog, ctx.locale, data, team.name, running=running)
    replies = [Reply(text=text)]
    if args.fmt == "xlsx":
        content = hours_xlsx(ctx.catalog, ctx.locale, data, team.name)
        caption = ctx.t(
            "hours.file_caption", team=team.name, month=f"{month.month:02d}/{month.year}"
        )
        document = Document(f"gio-{team.id}-{month.key}.xlsx", content, caption)
        replies.append(Reply(document=document))
    return Outcome(replies)
