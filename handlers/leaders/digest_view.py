"""Weekly digest and reminder texts, localized and kept within one chat message."""

from __future__ import annotations

from datetime import date

from bot.channels.registry import channel_spec
from bot.core.i18n import Catalog
from domain.periods import Week
from domain.services import default_catalogue
from handlers.leaders.chart import Chart, ChartText, draw_weekly_chart
from storage.digests import TeamWeek
from storage.member_labels import MemberLabel
from storage.reports import Counts
from storage.targets import GENERAL_METRICS, TargetProgress

MAX_TEXT = 4096
LIMITS = ((15, 25, 10), (10, 15, 8), (6, 10, 5), (3, 5, 3), (0, 0, 0))


def hours_text(catalog: Catalog, minutes: int) -> str:
    """Return minutes as 'h giờ m phút' / 'h h m min'."""
    return catalog.text("digest.duration", hours=minutes // 60, minutes=minutes % 60)


def member_text(catalog: Catalog, who: MemberLabel) -> str:
    """Return a member's name, or how they joined ('thành viên qua Zalo') when they gave none."""
    if who.name:
        return who.name
    spec = channel_spec(who.channel) if who.channel else None
    if spec is None:
        return catalog.text("member.unnamed_unknown")
    return catalog.text("member.unnamed", channel=catalog.text(spec.display_key))


def week_text(week: Week) -> str:
    """Return a week as '23/11–29/11'."""
    return f"{week.start:%d/%m}–{week.day(6):%d/%m}"


def percent(part: int, whole: int) -> int:
    """Return part/whole in whole percent (0 when whole is 0)."""
    return round(part * 100 / whole) if whole else 0


def change(catalog: Catalog, now: int, before: int) -> str:
    """Return the change from last week as '▲3', '▼4' or '='."""
    if now == before:
        return catalog.text("digest.same")
    sign = "up" if now > before else "down"
    return catalog.text(f"digest.{sign}", n=abs(now - before))


def metric_label(metric: str, lang: str, catalog: Catalog) -> str:
    """Return what a target counts: sessions, assists, successes, or a service's successes."""
    if metric in GENERAL_METRICS:
        return catalog.text(f"target.metric.{metric}")
    return catalog.text("target.metric.service", service=default_catalogue().label(metric, lang))


def target_line(catalog: Catalog, lang: str, t: TargetProgress) -> str:
    """Return one target's progress line."""
    area = t.area_name or catalog.text("target.whole_team")
    return catalog.text(
        "digest.target_line",
        area=area,
        metric=metric_label(t.metric, lang, catalog),
        done=t.done,
        target=t.target,
        percent=t.percent,
    )


def _header(catalog: Catalog, tw: TeamWeek, today: date | None) -> list[str]:
    total, prev = tw.totals, tw.previous
    partial = today is not None and tw.week.start <= today < tw.week.end
    return [
        catalog.text(
            "digest.title_partial" if partial else "digest.title",
            team=tw.team_name,
            ward=tw.ward_name,
            start=tw.week.start.strftime("%d/%m"),
            end=tw.week.day(6).strftime("%d/%m/%Y"),
            today=today.strftime("%d/%m") if today else "",
        ),
        catalog.text("digest.sessions", n=total.sessions, change=change(catalog, total.sessions, prev.sessions),
                     before=week_text(tw.week.shift(-1))),
        catalog.text("digest.people", n=total.people, change=change(catalog, total.people, prev.people)),
        catalog.text(
            "digest.succeeded",
            n=total.succeeded,
            percent=percent(total.succeeded, total.people),
            change=change(catalog, total.succeeded, prev.succeeded),
        ),
        catalog.text(
            "digest.hours",
            duration=hours_text(catalog, total.minutes),
            change=change(catalog, total.minutes // 60, prev.minutes // 60),
        ),
    ]  # fmt: skip


def _services(catalog: Catalog, lang: str, tw: TeamWeek) -> list[str]:
    if not tw.services:
        return []
    labels = default_catalogue()
    ordered = sorted(tw.services.items(), key=lambda kv: (-kv[1].people, kv[0]))
    lines = ["", catalog.text("digest.by_service")]
    lines += [
        catalog.text("digest.service_line", service=labels.label(k, lang), people=c.people, succeeded=c.succeeded)
        for k, c in ordered
    ]  # fmt: skip
    return lines


def _volunteers(catalog: Catalog, tw: TeamWeek, limit: int) -> list[str]:
    if not tw.volunteers or limit == 0:
        return []
    lines = ["", catalog.text("digest.by_volunteer")]
    for v in tw.volunteers[:limit]:
        c: Counts = v.counts
        lines.append(
            catalog.text(
                "digest.volunteer_line",
                name=member_text(catalog, v.who),
                sessions=c.sessions,
                people=c.people,
                succeeded=c.succeeded,
                duration=hours_text(catalog, c.minutes),
            )
        )
    if len(tw.volunteers) > limit:
        lines.append(catalog.text("digest.more", n=len(tw.volunteers) - limit))
    return lines


def _rest(catalog: Catalog, lang: str, tw: TeamWeek, silent: int, targets: int) -> list[str]:
    lines: list[str] = []
    if tw.silent:
        names = [member_text(catalog, who) for who in tw.silent[:silent]]
        shown = ", ".join(names) if silent else ""
        more = len(tw.silent) - min(silent, len(tw.silent))
        extra = catalog.text("digest.more_short", n=more) if more else ""
        lines += [
            "",
            catalog.text(
                "digest.silent",
                n=len(tw.silent),
                names=(shown + extra).strip(" ,"),
                week=week_text(tw.week),
            ),
        ]
    if tw.reasons:
        labels = default_catalogue()
        lines += ["", catalog.text("digest.reasons")]
        lines += [
            catalog.text("digest.reason_line", reason=labels.reason_label(s, r, lang), service=labels.label(s, lang), n=n)
            for s, r, n in tw.reasons
        ]  # fmt: skip
    if tw.unanswered:
        lines += ["", catalog.text("digest.unanswered", n=tw.unanswered, asked=tw.unanswered_in_week, week=week_text(tw.week))]  # fmt: skip
    else:
        lines += ["", catalog.text("digest.unanswered_none")]
    if tw.targets and targets:
        lines += ["", catalog.text("digest.targets")]
        lines += [target_line(catalog, lang, t) for t in tw.targets[:targets]]
        if len(tw.targets) > targets:
            lines.append(catalog.text("digest.more", n=len(tw.targets) - targets))
    return lines


def digest_text(
    catalog: Catalog,
    lang: str,
    tw: TeamWeek,
    *,
    max_len: int = MAX_TEXT,
    today: date | None = None,
    chart_problem: str = "",
) -> str:
    """Return the digest of a team week, shortened until it fits one message.

    `today` marks a week still running; `chart_problem` ('missing'/'failed') adds the line
    saying why no chart came with the digest.
    """
    text = ""
    note = ["", catalog.text(f"digest.no_chart.{chart_problem}")] if chart_problem else []
    for volunteers, silent, targets in LIMITS:
        lines = _header(catalog, tw, today) + _services(catalog, lang, tw)
        lines += _volunteers(catalog, tw, volunteers) + _rest(catalog, lang, tw, silent, targets)
        lines += note
        text = "\n".join(lines)
        if len(text) <= max_len:
            return text
    return text[: max_len - 1] + "…"


def digest_caption(catalog: Catalog, tw: TeamWeek) -> str:
    """Return the caption of the digest chart."""
    end = tw.week.day(6).strftime("%d/%m")
    return catalog.text("digest.chart_caption", team=tw.team_name, weeks=len(tw.history), end=end)


def digest_chart(catalog: Catalog, tw: TeamWeek) -> Chart:
    """Draw the team's last weeks (people helped and successes); never raises (see Chart)."""
    end = tw.week.day(6).strftime("%d/%m")
    words = ChartText(
        title=catalog.text("digest.chart_title", team=tw.team_name, weeks=len(tw.history), end=end),
        people=catalog.text("digest.chart_people"),
        succeeded=catalog.text("digest.chart_succeeded"),
    )
    labels = [week.start.strftime("%d/%m") for week, _ in tw.history]
    people = [c.people for _, c in tw.history]
    succeeded = [c.succeeded for _, c in tw.history]
    return draw_weekly_chart(labels, people, succeeded, words)


def reminder_text(catalog: Catalog, name: str) -> str:
    """Return the weekly nudge for a volunteer who logged nothing yet."""
    return catalog.text("remind.nudge", name=name)
