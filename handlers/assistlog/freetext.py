"""A member's free text that reads like a log or like a correction is offered as one, not as a question."""

from __future__ import annotations

import re

from bot.core.context import Context
from bot.core.flow import Outcome
from bot.core.messages import Reply
from domain.quicklog import QuickLog, parse_quick_log
from domain.services import default_catalogue
from domain.text import fold
from handlers.assistlog import steps
from handlers.assistlog.draft import Draft
from handlers.assistlog.quick import start_quick
from handlers.assistlog.records import start_edit
from storage import assists

QUESTION_WORDS = frozenset({
    "sao", "gi", "nao", "the nao", "lam sao", "tai sao", "vi sao", "khi nao", "bao gio", "ai",
    "rang", "cach", "cho hoi", "xin hoi", "co duoc khong", "duoc khong", "khong a", "ko a",
    "khong ha", "nhi", "chua a", "o dau", "o mo", "help", "how", "what", "why",
})  # fmt: skip
"""Words that make a text a question (folded); a question mark does too."""
CORRECTION = re.compile(r"\b(ghi nham|ghi sai|nham|sua lai|dung ra|chinh lai|nhap sai|go nham)\b")
_COUNT = re.compile(r"[0-9]")


def is_question(text: str) -> bool:
    """Tell whether a text asks something (a question mark or a question word)."""
    if "?" in text or "？" in text:
        return True
    words = "".join(ch if ch.isalnum() else " " for ch in fold(text)).split()
    pairs = {" ".join(words[i : i + n]) for n in (1, 2, 3) for i in range(len(words))}
    return bool(pairs & QUESTION_WORDS)


def _parse(ctx: Context, text: str) -> QuickLog:
    return parse_quick_log(
        text,
        today=ctx.local_now.date(),
        catalogue=default_catalogue(),
        max_days_back=ctx.settings.log_max_days_back,
    )


def reads_like_log(parsed: QuickLog) -> bool:
    """Tell whether a parsed text names what was done and how many (a session, not a question)."""
    codes = {p.code for p in parsed.problems}
    if "no_service" in codes:
        return False
    return bool(parsed.items) or parsed.attendees is not None


def reads_like_new_log(ctx: Context, text: str) -> bool:
    """Tell whether typed text is a whole new log line (a service and a count), not a note."""
    if not _COUNT.search(text) or is_question(text) or CORRECTION.search(fold(text)):
        return False
    return reads_like_log(_parse(ctx, text))


def offer(ctx: Context) -> Outcome | None:
    """Offer a member's free text as a log or as a correction of the last record; else None."""
    from handlers.assistlog import default_team  # the package imports this module's siblings

    text = ctx.msg.text.strip()
    if not ctx.roles.teams or not _COUNT.search(text) or is_question(text):
        return None
    if CORRECTION.search(fold(text)):
        return _offer_correction(ctx, text)
    parsed = _parse(ctx, text)
    if not reads_like_log(parsed):
        return None
    outcome = start_quick(ctx, text, default_team(ctx))
    outcome.replies[:0] = [Reply(text=ctx.t("logx.offer.log"))]
    return outcome


def _offer_correction(ctx: Context, text: str) -> Outcome | None:
    """Offer to change the sender's latest record with what the correction says."""
    latest = assists.recent_assists(ctx.session, person_id=ctx.person_id, limit=1)
    if not latest:
        return Outcome([Reply(text=ctx.t("logx.offer.nothing_to_correct"))])
    record = latest[0]
    parsed = _parse(ctx, text)
    draft = Draft.from_record(record)
    changed = False
    if parsed.minutes is not None:
        draft.minutes, changed = parsed.minutes, True
    if parsed.households is not None:
        draft.households, changed = parsed.households, True
    if not changed:
        return start_edit(ctx, record)
    intro = ctx.t("logx.offer.correct", id=record.id)
    return steps.proceed(ctx, draft, [intro])
