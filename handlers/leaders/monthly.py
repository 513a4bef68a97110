"""/report: the monthly report (DOCX document and XLSX appendix), the team's notes, the number prefix.

`/report [YYYY-MM] [docx|xlsx|csv] [#team | ward N | city]` sends the report; without a month it
is the month just ended during the first days of a month, else the month in progress, and the
reply says which. `/report notes` asks the leader for sections II-IV in three steps (kept per team
and month, redacted); `/report kyhieu TCNS-TDP12 [#team | ward N | city]` sets the abbreviation after "BC-".
"""

from __future__ import annotations

import re

from bot.core.context import Context
from bot.core.flow import Outcome, UserFacingError
from bot.core.messages import Button, Document, Reply, rows
from domain.periods import Month, PeriodError, parse_month
from domain.redact import redact
from domain.text import fold
from handlers.common import number, say
from handlers.leaders.digest_view import hours_text as duration_text
from handlers.leaders.report_content import DEFAULT_PREFIX
from handlers.leaders.report_issue import IssuedReport, issue_report
from handlers.leaders.scope import Scope, default_month, parse_args, scope_for, team_for
from storage import report_notes
from storage.report_notes import MAX_NOTE_CHARS, NOTE_PARTS, note_length

NOTES_STATE = "rpt.notes"
NOTES_WORDS = ("notes", "note", "ghichu", "ykien", "y kien", "ghi chu")
PREFIX_WORDS = ("kyhieu", "prefix")
PREFIX = re.compile(r"^[0-9A-ZĐ][0-9A-ZĐ&.\-]{0,29}$")


def _month_label(month: Month) -> str:
    return f"{month.month:02d}/{month.year}"


def report(ctx: Context) -> Outcome:
    """Send the monthly report of a team, ward or the city; or start notes; or set the prefix."""
    typed = ctx.msg.args.split()
    if typed and fold(typed[0]) in PREFIX_WORDS:
        wanted = typed[1:2]
        rest = " ".join(typed[2:])
        args = parse_args(rest, cutoff=ctx.settings.report_cutoff_day, usage="rep.usage")
        if args.rest or args.month or args.fmt:
            return say(ctx, "rep.prefix.bad")
        return _prefix(ctx, scope_for(ctx, args), wanted)
    args = parse_args(ctx.msg.args, cutoff=ctx.settings.report_cutoff_day, usage="rep.usage")
    words = [fold(w) for w in args.rest]
    if words and (words[0] in NOTES_WORDS or " ".join(words[:2]) in NOTES_WORDS):
        team = team_for(ctx, args.team_id)
        assert team.id is not None
        return _start_notes(ctx, team.id, team.name, args.month or default_month(ctx))
    if args.rest:
        return say(ctx, "rep.usage")
    scope = scope_for(ctx, args)
    today = ctx.local_now.date()
    month = args.month or default_month(ctx)
    if month.start > today:
        return say(ctx, "rep.future", month=_month_label(month))
    found = issue_report(
        ctx.session, kind=scope.kind, scope_id=scope.id, month=month, issued=today,
        now=ctx.now, catalog=ctx.catalog, lang=ctx.locale, province=ctx.settings.province,
    )  # fmt: skip
    replies = _documents(ctx, scope, month, found, args.fmt, defaulted=args.month is None)
    if scope.kind == "team" and scope.id is not None and args.fmt in ("", "docx"):
        notes = report_notes.notes_of(ctx.session, scope.id, month.key)
        if notes.empty:
            offer = Button(ctx.t("rep.offer_button"), f"rpt:n:{scope.id}:{month.key}")
            text = ctx.t("rep.offer_notes", month=_month_label(month))
            replies.append(Reply(text=text, buttons=rows(offer)))
    return Outcome(replies)


def _documents(
    ctx: Context, scope: Scope, month: Month, found: IssuedReport, fmt: str, *, defaulted: bool
) -> list[Reply]:
    totals = found.report.totals
    lines = [
        ctx.t(
            "rep.caption", month=_month_label(month), start=month.start.strftime("%d/%m/%Y"),
            end=month.last_day.strftime("%d/%m/%Y"),
        ),
        ctx.t(
            "rep.figures", sessions=totals.sessions, people=totals.people,
            succeeded=totals.succeeded, duration=duration_text(ctx.catalog, totals.minutes),
        ),
    ]  # fmt: skip
    today = ctx.local_now.date()
    if totals.sessions == 0:
        lines.append(ctx.t("rep.empty", month=_month_label(month)))
    if month.end > today:
        lines.append(
            ctx.t("rep.in_progress", month=_month_label(month), day=today.strftime("%d/%m/%Y"))
        )
    elif defaulted:
        current = month.shift(1)
        lines.append(ctx.t("rep.defaulted", month=_month_label(month), current=current.key))
    caption = "\n".join(lines)  # the key figures, for whoever cannot open the file
    name = f"bao-cao-{scope.kind}{'-' + str(scope.id) if scope.id else ''}-{month.key}"
    if fmt == "csv":
        return [Reply(document=Document(f"{name}.csv", found.csv(), caption))]
    if fmt == "xlsx":
        return [Reply(document=Document(f"phu-luc-{name}.xlsx", found.xlsx(), caption))]
    replies = [Reply(document=Document(f"{name}.docx", found.docx(), caption))]
    if fmt == "":
        appendix = ctx.t("rep.appendix_caption", month=_month_label(month))
        replies.append(Reply(document=Document(f"phu-luc-{name}.xlsx", found.xlsx(), appendix)))
    return replies


def _prefix(ctx: Context, scope: Scope, words: list[str]) -> Outcome:
    key = scope.id or 0
    if not words:
        current = report_notes.prefix_of(ctx.session, scope.kind, key) or DEFAULT_PREFIX[scope.kind]
        return say(ctx, "rep.prefix.show", example=ctx.t("rep.number", number="05", prefix=current))
    typed = words[0].upper()
    if not PREFIX.match(typed):
        return say(ctx, "rep.prefix.bad")
    report_notes.set_prefix(ctx.session, scope=scope.kind, scope_id=key, prefix=typed, now=ctx.now)
    return say(ctx, "rep.prefix.saved", example=ctx.t("rep.number", number="05", prefix=typed))


# -- the team's own words (sections II-IV) ---------------------------------------------------
def _ask(ctx: Context, step: int, data: dict[str, object]) -> Outcome:
    part = NOTE_PARTS[step]
    text = ctx.t(f"rep.notes.ask.{part}", team=data["team_name"], month=data["label"])
    skip = Button(ctx.t("rep.notes.skip"), "rpt:next")
    data = {**data, "step": step, "fresh": True}
    return Outcome([Reply(text=text, buttons=rows(skip))], next_state=NOTES_STATE, data=data)


def _start_notes(ctx: Context, team_id: int, team_name: str, month: Month) -> Outcome:
    data: dict[str, object] = {
        "team": team_id, "team_name": team_name, "month": month.key, "label": _month_label(month),
    }  # fmt: skip
    return _ask(ctx, 0, data)


def _next(ctx: Context) -> Outcome:
    data = dict(ctx.data)
    step = int(data.get("step", 0)) + 1
    if step < len(NOTE_PARTS):
        return _ask(ctx, step, data)
    key = str(data.get("month", ""))
    text = ctx.t("rep.notes.saved", month=data.get("label", key), key=key)
    button = Button(ctx.t("rep.notes.get_report"), f"rpt:r:{data.get('team')}:{key}")
    return Outcome([Reply(text=text, buttons=rows(button))], next_state=None)


def on_text(ctx: Context) -> Outcome:
    """Take text for the current part: the first message replaces it, later ones are added.

    Long texts arrive in several messages (chat apps split them), so a part grows until the
    leader presses "Tiếp"; it holds at most MAX_NOTE_CHARS characters, stored redacted.
    """
    typed = ctx.msg.text.strip()
    if not typed:
        return say(ctx, "rep.notes.not_text")
    team = team_for(ctx, int(ctx.data.get("team", 0)) or None)
    assert team.id is not None
    step, month = int(ctx.data.get("step", 0)), str(ctx.data.get("month", ""))
    if not 0 <= step < len(NOTE_PARTS):
        raise UserFacingError("error.stale_button")
    part = NOTE_PARTS[step]
    before = (
        ""
        if ctx.data.get("fresh", True)
        else getattr(report_notes.notes_of(ctx.session, team.id, month), part)
    )
    combined = f"{before}\n{typed}" if before else typed
    if note_length(combined) > MAX_NOTE_CHARS:
        return say(ctx, "rep.notes.too_long", length=note_length(combined), limit=MAX_NOTE_CHARS)
    stored = report_notes.save_note(
        ctx.session, team_id=team.id, month=month, part=part, text=combined, by=ctx.person_id,
        now=ctx.now,
    )  # fmt: skip
    replies = [Reply(text=ctx.t("rep.notes.redacted"))] if redact(typed).kinds else []
    got = ctx.t(
        "rep.notes.got", part=ctx.t(f"rep.notes.part.{part}"), length=note_length(stored),
        limit=MAX_NOTE_CHARS,
    )  # fmt: skip
    replies.append(Reply(text=got, buttons=rows(Button(ctx.t("rep.notes.next"), "rpt:next"))))
    return Outcome(replies, data={**ctx.data, "fresh": False})


def on_button(ctx: Context) -> Outcome:
    """Handle 'rpt:next' (in the notes), 'rpt:n:<team>:<month>' (start) and 'rpt:r:…' (report)."""
    parts = ctx.msg.payload.split(":")
    if parts[1:2] == ["next"]:
        return _next(ctx) if ctx.state == NOTES_STATE else say(ctx, "error.stale_button")
    if len(parts) != 4 or parts[1] not in ("n", "r") or number(parts[2]) is None:
        return say(ctx, "error.stale_button")
    team = team_for(ctx, number(parts[2]))
    assert team.id is not None
    try:
        month = parse_month(parts[3], cutoff=ctx.settings.report_cutoff_day)
    except PeriodError:
        return say(ctx, "error.stale_button")
    if parts[1] == "n":
        return _start_notes(ctx, team.id, team.name, month)
    found = issue_report(
        ctx.session, kind="team", scope_id=team.id, month=month, issued=ctx.local_now.date(),
        now=ctx.now, catalog=ctx.catalog, lang=ctx.locale, province=ctx.settings.province,
    )  # fmt: skip
    return Outcome(_documents(ctx, Scope("team", team.id), month, found, "", defaulted=False))
