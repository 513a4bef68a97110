"""/target: monthly targets per area, typed in one line or chosen with buttons."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.flow import Outcome, UserFacingError
from bot.core.messages import Button, Reply, rows
from domain.periods import Month
from domain.services import default_catalogue
from domain.text import fold
from handlers.common import number, say
from handlers.leaders.digest_view import metric_label, target_line
from handlers.leaders.scope import current_month, parse_args, team_for
from storage import targets, teams
from storage.models import Team
from storage.teams import AreaRef

TARGET_STATE = "ldr.target"
WHOLE_TEAM = ("all", "*", "ca to", "toan to", "team", "tat ca")
GENERAL_ALIASES = {
    "sessions": "sessions", "buoi": "sessions", "buoi ho tro": "sessions",
    "people": "people", "nguoi": "people", "luot": "people", "luot nguoi": "people",
    "nguoi dan": "people", "succeeded": "succeeded", "thanh cong": "succeeded",
    "luot thanh cong": "succeeded",
}  # fmt: skip
"""Words for the general metrics (folded): "100 người", "100 lượt", "50 buổi", "80 thành công"."""
MAX_TARGET = 100_000


def _metric(words: list[str]) -> tuple[str, list[str]] | None:
    """Find a metric at the end of the words; return it and the words before it."""
    catalogue = default_catalogue()
    for size in range(min(len(words), catalogue.max_alias_words), 0, -1):
        phrase = " ".join(words[-size:])
        general = GENERAL_ALIASES.get(fold(phrase))
        if general is not None:
            return general, words[:-size]
        service = catalogue.by_alias(phrase)
        if service is not None:
            return service.key, words[:-size]
    return None


def _area(ctx: Context, team_id: int, words: list[str]) -> AreaRef | None:
    """Return the area named (by name or number); None means the whole team."""
    typed = fold(" ".join(words))
    if not typed or typed in WHOLE_TEAM:
        return None
    areas = teams.areas_of(ctx.session, team_id)
    position = number(typed)
    if position is not None and 1 <= position <= len(areas):
        return areas[position - 1]
    exact = [a for a in areas if fold(a.name) == typed]
    close = exact or [a for a in areas if typed in fold(a.name)]
    if len(close) != 1:
        raise UserFacingError("target.unknown_area", area=" ".join(words))
    return close[0]


def _progress_text(ctx: Context, team: Team, month: Month) -> str:
    assert team.id is not None
    found = targets.target_progress(ctx.session, team.id, month)
    lines = [ctx.t("target.header", team=team.name, month=f"{month.month:02d}/{month.year}")]
    lines += [target_line(ctx.catalog, ctx.locale, t) for t in found] or [ctx.t("target.none")]
    return "\n".join(lines)


def target(ctx: Context) -> Outcome:
    """Set a target ('/target <area> <service> <number> [YYYY-MM]') or show targets and buttons."""
    args = parse_args(ctx.msg.args, cutoff=ctx.settings.report_cutoff_day, usage="target.usage")
    team = team_for(ctx, args.team_id)
    assert team.id is not None
    month = args.month or current_month(ctx)
    if not args.rest:
        areas = teams.areas_of(ctx.session, team.id)
        choices = [Button(ctx.t("target.whole_team"), f"ldr:t:{team.id}:a:0")]
        choices += [Button(a.name, f"ldr:t:{team.id}:a:{a.id}") for a in areas[:20]]
        text = _progress_text(ctx, team, month) + "\n\n" + ctx.t("target.pick_area")
        return Outcome([Reply(text=text, buttons=rows(*choices, per_row=2))])
    parsed = _number_and_metric(list(args.rest))
    if parsed is None:
        return say(ctx, "target.usage")
    wanted, found = parsed
    if wanted > MAX_TARGET:
        return say(ctx, "target.usage")
    if found is None:
        return say(ctx, "target.unknown_metric")
    metric, words = found
    area = _area(ctx, team.id, words)
    return _save(ctx, team, area, metric, wanted, month)


def _number_and_metric(
    words: list[str],
) -> tuple[int, tuple[str, list[str]] | None] | None:
    """Read '<area> <metric> <n>' or '<area> <n> <unit>' ('100 người', '50 buổi').

    Return the number and the metric with the words before it (None: no metric understood),
    or None when no number was typed where one belongs.
    """
    if not words:
        return None
    last = number(words[-1])
    if last is not None:
        return last, _metric(words[:-1])
    typed: int | None = None
    for size in range(1, min(len(words) - 1, 3) + 1):
        wanted = number(words[-size - 1])
        if wanted is not None:
            general = GENERAL_ALIASES.get(fold(" ".join(words[-size:])))
            if general is not None:  # units only: '1 vneid2' stays area 1 with no number
                return wanted, (general, words[: -size - 1])
            if typed is None and _metric(words[-size:]) is None:
                typed = wanted
    return None if typed is None else (typed, None)  # a number with a unit not understood


def _save(
    ctx: Context, team: Team, area: AreaRef | None, metric: str, number: int, month: Month
) -> Outcome:
    assert team.id is not None
    targets.set_target(
        ctx.session, team_id=team.id, area_id=area.id if area else None, metric=metric,
        month=month.key, target=number, set_by=ctx.person_id, now=ctx.now,
    )  # fmt: skip
    saved = ctx.t(
        "target.saved",
        area=area.name if area else ctx.t("target.whole_team"),
        metric=metric_label(metric, ctx.locale, ctx.catalog),
        target=number,
        month=f"{month.month:02d}/{month.year}",
    )
    return Outcome([Reply(text=saved + "\n\n" + _progress_text(ctx, team, month))], next_state=None)


def _checked_area(ctx: Context, team_id: int, raw: str) -> AreaRef | None:
    if raw in ("", "0"):
        return None
    area_id = number(raw)
    areas = teams.areas_of(ctx.session, team_id)
    area = next((a for a in areas if a.id == area_id), None)
    if area is None:
        raise UserFacingError("error.stale_button")
    return area


def on_button(ctx: Context, args: list[str]) -> Outcome:
    """Handle 'ldr:t:<team>:a:<area>' and 'ldr:t:<team>:m:<area>:<metric>'."""
    team_id = number(args[0]) if args else None
    if len(args) < 3 or team_id is None:
        return say(ctx, "error.stale_button")
    team = team_for(ctx, team_id)
    assert team.id is not None
    area = _checked_area(ctx, team.id, args[2])
    area_id = area.id if area else 0
    if args[1] == "a":
        keys = list(targets.GENERAL_METRICS) + [s.key for s in default_catalogue().all()]
        catalogue = default_catalogue()
        buttons = [
            Button(
                metric_label(k, ctx.locale, ctx.catalog)
                if k in targets.GENERAL_METRICS
                else catalogue.label(k, ctx.locale),
                f"ldr:t:{team.id}:m:{area_id}:{k}",
            )
            for k in keys
        ]
        return Outcome([Reply(text=ctx.t("target.pick_metric"), buttons=rows(*buttons, per_row=2))])
    if args[1] == "m" and len(args) > 3:
        metric = args[3]
        if metric not in targets.GENERAL_METRICS and default_catalogue().get(metric) is None:
            return say(ctx, "error.stale_button")
        data = {"team": team.id, "area": area_id, "metric": metric}
        label = metric_label(metric, ctx.locale, ctx.catalog)
        ask = ctx.t("target.ask_number", metric=label)
        return Outcome([Reply(text=ask)], next_state=TARGET_STATE, data=data)
    return say(ctx, "error.stale_button")


def on_number(ctx: Context) -> Outcome:
    """Take the typed target number chosen with buttons."""
    metric = str(ctx.data.get("metric", ""))
    words = ctx.msg.text.split()
    wanted = number(words[0]) if words else None
    unit = _metric(words[1:]) if len(words) > 1 else None
    agrees = len(words) == 1 or (unit is not None and not unit[1] and unit[0] == metric)
    if wanted is None or wanted > MAX_TARGET or not agrees:
        label = metric_label(metric, ctx.locale, ctx.catalog)
        return say(ctx, "target.bad_number", metric=label)
    team = team_for(ctx, int(ctx.data.get("team", 0)) or None)
    assert team.id is not None
    area = _checked_area(ctx, team.id, str(ctx.data.get("area", 0)))
    return _save(ctx, team, area, metric, wanted, current_month(ctx))
