"""Who may see what: a leader their teams, a ward admin their wards, admins everything.

Ids typed in a command or carried in a button are checked again here, so forged ids are refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.context import Context
from bot.core.flow import UserFacingError
from domain.periods import Month, PeriodError, month_containing, parse_month
from domain.report_month import default_report_month
from handlers.common import number
from storage import teams
from storage.models import Team
from storage.month_report import ScopeKind

FORMATS = ("xlsx", "csv", "docx")


@dataclass
class Args:
    """What a report-like command was asked for."""

    month: Month | None = None
    fmt: str = ""
    team_id: int | None = None
    ward_id: int | None = None
    city: bool = False
    rest: list[str] = field(default_factory=list)


def parse_args(text: str, *, cutoff: int, usage: str) -> Args:
    """Parse '[YYYY-MM] [csv|xlsx] [#team | team N | ward N | city]'; unknown words stay in rest."""
    args = Args()
    words = text.split()
    index = 0
    while index < len(words):
        word = words[index].casefold()
        following = number(words[index + 1]) if index + 1 < len(words) else None
        if word in FORMATS:
            args.fmt = word
        elif word.startswith("#") and number(word[1:]) is not None:
            args.team_id = number(word[1:])
        elif word == "team" and following is not None:
            args.team_id, index = following, index + 1
        elif word == "ward" and following is not None:
            args.ward_id, index = following, index + 1
        elif word in ("city", "all", "thanhpho", "tp"):
            args.city = True
        elif any(ch.isdigit() for ch in word) and ("-" in word or "/" in word):
            try:
                args.month = parse_month(word, cutoff=cutoff)
            except PeriodError:
                raise UserFacingError(usage) from None
        else:
            args.rest.append(words[index])
        index += 1
    return args


def current_month(ctx: Context) -> Month:
    """Return the report month of today (with the configured cut-off day)."""
    return month_containing(ctx.local_now.date(), cutoff=ctx.settings.report_cutoff_day)


def default_month(ctx: Context) -> Month:
    """Return the month a command without one means: the one just finished in its first days."""
    return default_report_month(ctx.local_now.date(), cutoff=ctx.settings.report_cutoff_day)


def team_for(ctx: Context, team_id: int | None) -> Team:
    """Return the team asked for (or the one the sender leads) if the sender may manage it."""
    if team_id is None:
        led = ctx.roles.led_teams()
        if not led:
            raise UserFacingError("scope.need_team")
        team_id = led[0]
    team = teams.get_team(ctx.session, team_id)
    if team is None or team.id is None or not ctx.roles.can_manage_team(team.id, team.ward_id):
        raise UserFacingError("error.not_allowed")
    return team


@dataclass(frozen=True)
class Scope:
    """A team, a ward or the whole city."""

    kind: ScopeKind
    id: int | None


def scope_for(ctx: Context, args: Args) -> Scope:
    """Return the report scope asked for, defaulting by role, if the sender may see it."""
    if args.team_id is not None:
        return Scope("team", team_for(ctx, args.team_id).id)
    if args.ward_id is not None:
        ward = teams.get_ward(ctx.session, args.ward_id)
        if ward is None or not (ctx.roles.is_admin or args.ward_id in ctx.roles.wards):
            raise UserFacingError("error.not_allowed")
        return Scope("ward", ward.id)
    if args.city:
        if not ctx.roles.is_admin:
            raise UserFacingError("error.not_allowed")
        return Scope("city", None)
    if ctx.roles.is_admin:
        return Scope("city", None)
    if ctx.roles.wards:
        return Scope("ward", ctx.roles.wards[0])
    return Scope("team", team_for(ctx, None).id)
