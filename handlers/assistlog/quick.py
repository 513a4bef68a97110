"""The one-line quick log (/log vneid2 3 dvc 1 45p): parse, ask only what is missing, confirm."""

from __future__ import annotations

from datetime import date

from bot.core.context import Context
from bot.core.flow import Outcome
from domain.quicklog import Problem, QuickLog, parse_quick_log
from domain.redact import redact
from domain.services import default_catalogue
from domain.text import fold
from handlers.assistlog.draft import Draft, Item
from handlers.assistlog.render import fmt_day, redaction_notice, service_label
from handlers.assistlog.save import clean_note
from handlers.assistlog.steps import proceed, team_areas

AREA_TEXT_MAX = 60
_COUNT_CODES = frozenset(
    {"missing_count", "bad_count", "succeeded_over_people", "counts_disagree", "reason_not_listed"}
)
_RECOUNT_CODES = frozenset({"loose_number", "failure_without_count", "attendees_without_kind"})
_NEW_CODES = _RECOUNT_CODES | {
    "counts_disagree", "reason_not_listed", "missing_attendees", "bad_attendees", "multiple_kinds",
    "bad_households",
}  # fmt: skip
_DATE_CODES = frozenset({"future_date", "too_old", "bad_date", "multiple_dates"})
_DURATION_CODES = frozenset({"bad_duration", "multiple_durations"})


def problem_text(ctx: Context, problem: Problem) -> str:
    """Return the localized explanation of one parser problem."""
    params: dict[str, object] = dict(problem.params)
    if "service" in params:
        params["service"] = service_label(ctx, str(params["service"]))
    if "day" in params:
        params["day"] = fmt_day(date.fromisoformat(str(params["day"])))
    prefix = "logx" if problem.code in _NEW_CODES else "log"
    return ctx.t(f"{prefix}.problem.{problem.code}", **params)


def assumption_text(ctx: Context, problem: Problem) -> str:
    """Return the localized statement of something the parser assumed."""
    params: dict[str, object] = dict(problem.params)
    if "service" in params:
        params["service"] = service_label(ctx, str(params["service"]))
    return ctx.t(f"logx.assumed.{problem.code}", **params)


def draft_from(parsed: QuickLog, team: int | None) -> Draft:
    """Turn a parsed line into a draft; what could not be read stays empty so it is asked."""
    draft = Draft(day=parsed.day, team=team, quick=True, minutes=parsed.minutes)
    draft.kind, draft.attendees, draft.households = parsed.kind, parsed.attendees, parsed.households
    items = {
        i.service: Item(
            i.service, i.people, i.succeeded, list(i.reasons),
            i.succeeded >= i.people or bool(i.reasons),
        )
        for i in parsed.items
    }  # fmt: skip
    codes = {p.code for p in parsed.problems}
    if codes & _RECOUNT_CODES:  # a number (or a failure) not understood: ask every count again
        for item in items.values():
            item.reset()
    for problem in parsed.problems:
        code, service = problem.code, str(problem.params.get("service", ""))
        if code in _COUNT_CODES and service:
            if service in items and code == "reason_not_listed":
                items[service].reasons_done = False
            elif service not in items:  # '5/3': ask how many succeeded of the 3
                people = problem.params.get("people") if code == "succeeded_over_people" else None
                items[service] = Item(service, people if isinstance(people, int) else None)
        elif code in _DATE_CODES:
            draft.ask_day = True
        elif code in _DURATION_CODES:
            draft.minutes = None
        elif code == "multiple_areas":
            draft.quick = False
    draft.items = list(items.values())
    if parsed.area and "multiple_areas" not in codes:
        draft.area_text = parsed.area[:AREA_TEXT_MAX]
    return draft


def longer_area(ctx: Context, team: int, area: str, unknown: list[str]) -> tuple[str, list[str]]:
    """Read '@Tổ dân phố 12' whole: the parser keeps one word, the rest comes back unknown."""
    if not unknown:
        return area, unknown
    areas = team_areas(ctx, team)
    names = {fold(a.name).replace(" ", "") for a in areas}
    for size in range(len(unknown), 0, -1):
        candidate = " ".join([area, *unknown[:size]])
        if fold(candidate).replace(" ", "") in names:
            return candidate[:AREA_TEXT_MAX], unknown[size:]
    return area, unknown


def start_quick(ctx: Context, text: str, team: int | None) -> Outcome:
    """Parse a quick log line and show the card, or ask for the parts it lacks."""
    parsed = parse_quick_log(
        text,
        today=ctx.local_now.date(),
        catalogue=default_catalogue(),
        max_days_back=ctx.settings.log_max_days_back,
    )
    draft = draft_from(parsed, team)
    unknown = list(parsed.unknown_tokens)
    if draft.area_text and draft.team is not None:
        draft.area_text, unknown = longer_area(ctx, draft.team, draft.area_text, unknown)
    notices = [problem_text(ctx, p) for p in parsed.problems]
    draft.assumed = [assumption_text(ctx, p) for p in parsed.assumptions]
    if "no_service" in {p.code for p in parsed.problems} and parsed.kind == "assist":
        notices.append(ctx.t("logx.hint.words", words=", ".join(default_catalogue().short_words())))
    if unknown:
        shown = redact(" ".join(unknown)).text
        notices.append(ctx.t("log.problem.unknown_tokens", tokens=shown))
    if parsed.note:
        draft.note, kinds = clean_note(parsed.note)
        if kinds:
            notices.append(redaction_notice(ctx, kinds))
    return proceed(ctx, draft, notices)
