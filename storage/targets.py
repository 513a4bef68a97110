"""Monthly targets per team area and the progress made against them.

A metric is a service key (progress = successful assists with that service), "sessions"
(sessions logged), "people" (assists: people helped with anything, counted per session) or
"succeeded" (successful assists with any service).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from domain.periods import Month
from storage import reports
from storage.models import Area
from storage.schedule_models import TeamTarget

SESSIONS, PEOPLE, SUCCEEDED = "sessions", "people", "succeeded"
GENERAL_METRICS = (PEOPLE, SUCCEEDED, SESSIONS)


@dataclass(frozen=True)
class TargetProgress:
    """One target and how far the team got."""

    team_id: int
    area_id: int | None
    area_name: str
    metric: str
    target: int
    done: int

    @property
    def percent(self) -> int:
        """Return the progress in whole percent (may exceed 100)."""
        return round(self.done * 100 / self.target) if self.target > 0 else 0


def set_target(
    session: Session,
    *,
    team_id: int,
    area_id: int | None,
    metric: str,
    month: str,
    target: int,
    set_by: int | None,
    now: datetime,
) -> TeamTarget:
    """Create or change the target of a metric in an area (None: whole team) for a month."""
    if target < 0:
        raise ValueError("a target cannot be negative")
    area_filter = (
        col(TeamTarget.area_id).is_(None) if area_id is None else col(TeamTarget.area_id) == area_id
    )
    row = session.exec(
        select(TeamTarget).where(
            col(TeamTarget.team_id) == team_id,
            area_filter,
            col(TeamTarget.metric) == metric,
            col(TeamTarget.month) == month,
        )
    ).first()
    if row is None:
        row = TeamTarget(
            team_id=team_id, area_id=area_id, metric=metric, month=month, target=target,
            set_by=set_by, updated_at=now,
        )  # fmt: skip
    else:
        row.target, row.set_by, row.updated_at = target, set_by, now
    session.add(row)
    session.flush()
    return row


def targets_of(session: Session, team_ids: Sequence[int], month: str) -> list[TeamTarget]:
    """Return the targets of some teams for a month."""
    if not team_ids:
        return []
    statement = (
        select(TeamTarget)
        .where(col(TeamTarget.team_id).in_(list(team_ids)), col(TeamTarget.month) == month)
        .order_by(col(TeamTarget.team_id), col(TeamTarget.id))
    )
    return list(session.exec(statement).all())


def progress_for_teams(
    session: Session, team_ids: Sequence[int], month: Month
) -> dict[int, list[TargetProgress]]:
    """Return every team's targets for a month with the progress so far (bulk, few queries)."""
    targets = targets_of(session, team_ids, month.key)
    if not targets:
        return {}
    teams = sorted({t.team_id for t in targets})
    counts = reports.area_counts(session, start=month.start, end=month.end, team_ids=teams)
    visits = reports.area_sessions(session, start=month.start, end=month.end, team_ids=teams)
    area_ids = {t.area_id for t in targets if t.area_id is not None}
    names = {
        a.id: a.name
        for a in session.exec(select(Area).where(col(Area.id).in_(sorted(area_ids)))).all()
    }
    counts_of: dict[int, list[tuple[int | None, str, reports.Counts]]] = {}
    for (team, area, service), c in counts.items():
        counts_of.setdefault(team, []).append((area, service, c))
    visits_of: dict[int, list[tuple[int | None, int]]] = {}
    for (team, area), n in visits.items():
        visits_of.setdefault(team, []).append((area, n))
    found: dict[int, list[TargetProgress]] = {}
    for t in targets:
        done = _done(t, counts_of.get(t.team_id, []), visits_of.get(t.team_id, []))
        progress = TargetProgress(
            t.team_id, t.area_id, names.get(t.area_id or 0, ""), t.metric, t.target, done
        )
        found.setdefault(t.team_id, []).append(progress)
    return found


def _done(
    target: TeamTarget,
    counts: list[tuple[int | None, str, reports.Counts]],
    visits: list[tuple[int | None, int]],
) -> int:
    """Return a target's progress from its own team's counts and visits."""
    if target.metric == SESSIONS:
        return sum(n for area, n in visits if target.area_id in (None, area))
    total = 0
    for area, service, c in counts:
        if target.area_id not in (None, area):
            continue
        if target.metric == PEOPLE:
            total += c.people
        elif target.metric == SUCCEEDED or service == target.metric:
            total += c.succeeded
    return total


def target_progress(session: Session, team_id: int, month: Month) -> list[TargetProgress]:
    """Return a team's targets for a month with progress (for /digest, /mine and reports)."""
    return progress_for_teams(session, [team_id], month).get(team_id, [])
