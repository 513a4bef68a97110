"""The leader's notes of a month, report numbers (one sequence per issuer and year), prefixes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from domain.redact import redact
from storage.dialect import insert_ignore
from storage.report_models import ReportNote, ReportNumber, ReportPrefix

NOTE_PARTS = ("difficulties", "plan", "requests")
MAX_NOTE_CHARS = 5000
"""The longest part a leader may give (the report document wraps it over as many lines)."""


def note_length(text: str) -> int:
    """Return a note's length as the leader typed it (line breaks between messages not counted)."""
    return len(text) - text.count("\n")


@dataclass(frozen=True)
class Notes:
    """A team's notes for a month (empty parts are filled from the facts in the report)."""

    difficulties: str = ""
    plan: str = ""
    requests: str = ""

    @property
    def empty(self) -> bool:
        """Tell whether the leader gave nothing."""
        return not (self.difficulties or self.plan or self.requests)


def _row(session: Session, team_id: int, month: str) -> ReportNote | None:
    statement = select(ReportNote).where(
        col(ReportNote.team_id) == team_id, col(ReportNote.month) == month
    )
    return session.exec(statement).first()


def notes_of(session: Session, team_id: int, month: str) -> Notes:
    """Return a team's notes for a month (empty Notes when none)."""
    row = _row(session, team_id, month)
    if row is None:
        return Notes()
    return Notes(row.difficulties, row.plan, row.requests)


def notes_of_teams(session: Session, team_ids: Sequence[int], month: str) -> dict[int, Notes]:
    """Return the notes of several teams for a month (teams without notes are left out)."""
    if not team_ids:
        return {}
    statement = select(ReportNote).where(
        col(ReportNote.team_id).in_(list(team_ids)), col(ReportNote.month) == month
    )
    return {
        r.team_id: Notes(r.difficulties, r.plan, r.requests) for r in session.exec(statement).all()
    }


def save_note(
    session: Session, *, team_id: int, month: str, part: str, text: str, by: int | None,
    now: datetime,
) -> str:  # fmt: skip
    """Store one part of a team's notes, redacted; return the text as stored."""
    if part not in NOTE_PARTS:
        raise ValueError(f"unknown note part {part!r}")
    if note_length(text) > MAX_NOTE_CHARS:
        raise ValueError(f"a note part is at most {MAX_NOTE_CHARS} characters")
    stored = redact(text.strip()).text
    insert_ignore(
        session, ReportNote,
        {"team_id": team_id, "month": month, "difficulties": "", "plan": "", "requests": "",
         "updated_by": by, "updated_at": now},
    )  # fmt: skip
    row = _row(session, team_id, month)
    assert row is not None
    setattr(row, part, stored)
    row.updated_by, row.updated_at = by, now
    session.add(row)
    session.flush()
    return stored


def issue_number(
    session: Session, *, scope: str, scope_id: int, month: str, year: int, now: datetime
) -> int:
    """Return the report's number: the one given before for this month, else the next of `year`
    (the local year of issue). Safe when two requests race: a conflicting insert is skipped and
    the stored number read again.
    """
    for _attempt in range(5):
        found = session.exec(
            select(ReportNumber.number).where(
                col(ReportNumber.scope) == scope,
                col(ReportNumber.scope_id) == scope_id,
                col(ReportNumber.month) == month,
            )
        ).first()
        if found is not None:
            return int(found)
        last = session.exec(
            select(func.max(ReportNumber.number)).where(
                col(ReportNumber.scope) == scope,
                col(ReportNumber.scope_id) == scope_id,
                col(ReportNumber.year) == year,
            )
        ).first()
        following = int(last or 0) + 1
        values = {
            "scope": scope, "scope_id": scope_id, "month": month, "year": year,
            "number": following, "issued_at": now,
        }  # fmt: skip
        if insert_ignore(session, ReportNumber, values):
            return following
    raise RuntimeError(f"could not number the {scope} {scope_id} report of {month}")


def prefix_of(session: Session, scope: str, scope_id: int) -> str:
    """Return the issuer's own prefix, '' when it never set one."""
    row = session.get(ReportPrefix, (scope, scope_id))
    return row.prefix if row is not None else ""


def set_prefix(session: Session, *, scope: str, scope_id: int, prefix: str, now: datetime) -> None:
    """Store an issuer's prefix."""
    row = session.get(ReportPrefix, (scope, scope_id))
    if row is None:
        row = ReportPrefix(scope=scope, scope_id=scope_id, prefix=prefix, updated_at=now)
    else:
        row.prefix, row.updated_at = prefix, now
    session.add(row)
    session.flush()
