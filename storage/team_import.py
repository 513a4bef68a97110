"""Store a checked list of teams: missing wards, teams and areas are created, the rest counted.

Idempotent: importing the same list twice creates nothing the second time. Runs in the
caller's transaction, so a failure stores nothing. Reads each table once and inserts in bulk
(a city's 3,800 teams in a few seconds on SQLite, see benchmarks/import_bench.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert
from sqlmodel import Session, col, select

from domain.team_list import TeamRow
from domain.text import fold
from storage.models import Area, Team, Ward


@dataclass
class ImportSummary:
    """What an import created and what was already there."""

    wards_created: int = 0
    wards_present: int = 0
    teams_created: int = 0
    teams_present: int = 0
    areas_created: int = 0
    areas_present: int = 0
    leaders_named: int = 0
    team_ids: list[int] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Tell whether anything was (or would be) created."""
        return bool(self.wards_created or self.teams_created or self.areas_created)

    def as_dict(self) -> dict[str, object]:
        """Return the counts for --json."""
        return {
            "wards": {"created": self.wards_created, "present": self.wards_present},
            "teams": {"created": self.teams_created, "present": self.teams_present},
            "areas": {"created": self.areas_created, "present": self.areas_present},
            "leaders_named": self.leaders_named,
            "changed": self.changed,
        }


def import_teams(
    session: Session, rows: Sequence[TeamRow], *, now: datetime, dry_run: bool = False
) -> ImportSummary:
    """Create what is missing; with dry_run, count only (nothing is written)."""
    summary = ImportSummary()
    wards = _wards(session)
    wanted: dict[str, str] = {}  # folded name -> the first spelling met in the list
    for row in rows:
        wanted.setdefault(fold(row.ward), row.ward)
    new_wards = [name for key, name in wanted.items() if key not in wards]
    summary.wards_created, summary.wards_present = len(new_wards), len(wanted) - len(new_wards)
    if new_wards and not dry_run:
        session.execute(insert(Ward), [{"name": n, "created_at": now} for n in new_wards])
        wards = _wards(session)
    teams = _teams(session)
    new_teams: list[dict[str, object]] = []
    for row in rows:
        key = (fold(row.ward), fold(row.team))
        if key in teams:
            summary.teams_present += 1
            continue
        summary.teams_created += 1
        new_teams.append(
            {"ward_id": wards.get(key[0], 0), "name": row.team, "created_at": now,
             "invited_leader": row.leader}
        )  # fmt: skip
    summary.leaders_named = sum(1 for row in rows if row.leader)
    if new_teams and not dry_run:
        session.execute(insert(Team), new_teams)
        teams = _teams(session)
    known = _areas(session)
    new_areas: list[tuple[tuple[str, str], str]] = []
    for row in rows:
        key = (fold(row.ward), fold(row.team))
        have = known.setdefault(key, set())
        for area in row.areas:
            if fold(area) in have:
                summary.areas_present += 1
            else:
                have.add(fold(area))
                new_areas.append((key, area))
    summary.areas_created = len(new_areas)
    if dry_run:
        return summary
    if new_areas:
        session.execute(
            insert(Area), [{"team_id": teams[key].id, "name": name} for key, name in new_areas]
        )
    for row in rows:
        team = teams[(fold(row.ward), fold(row.team))]
        assert team.id is not None
        summary.team_ids.append(team.id)
        if row.leader and not team.invited_leader:
            team.invited_leader = row.leader
            session.add(team)
    session.flush()
    return summary


def _wards(session: Session) -> dict[str, int]:
    rows = session.connection().execute(select(col(Ward.id), col(Ward.name)))
    return {fold(name): ward_id for ward_id, name in rows}


def _teams(session: Session) -> dict[tuple[str, str], Team]:
    statement = select(Team, col(Ward.name)).join(Ward, col(Ward.id) == col(Team.ward_id))
    return {(fold(ward), fold(team.name)): team for team, ward in session.exec(statement).all()}


def _areas(session: Session) -> dict[tuple[str, str], set[str]]:
    statement = (
        select(col(Ward.name), col(Team.name), col(Area.name))
        .join(Team, col(Team.id) == col(Area.team_id))
        .join(Ward, col(Ward.id) == col(Team.ward_id))
    )
    found: dict[tuple[str, str], set[str]] = {}
    for ward, team, area in session.connection().execute(statement):
        found.setdefault((fold(ward), fold(team)), set()).add(fold(area))
    return found
