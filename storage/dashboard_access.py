"""Sign-in to the web dashboard: one-time links, sessions, and the scope each one may see.

Tokens follow storage.files: 256 random bits, only their SHA-256 stored, shape checked before
any read. A link is spent by one conditional UPDATE, so two clicks (or two workers) cannot
both open a session with it. Unknown, spent, expired and ended all look the same: None.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.dashboard_models import DashboardLink, DashboardSession
from storage.files import looks_like_token, new_token, token_hash
from storage.models import Person, Team


@dataclass(frozen=True)
class Scope:
    """What a dashboard user may see: the whole city, some wards, some teams (any mix)."""

    city: bool = False
    wards: tuple[int, ...] = ()
    teams: tuple[int, ...] = ()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Scope:
        """Read a scope stored as JSON (anything malformed gives the empty scope)."""
        wards, teams = data.get("wards", []), data.get("teams", [])
        if not (isinstance(wards, list) and isinstance(teams, list)):
            return cls()
        return cls(
            data.get("city") is True,
            tuple(w for w in wards if isinstance(w, int)),
            tuple(t for t in teams if isinstance(t, int)),
        )

    def to_json(self) -> dict[str, Any]:
        """Return the scope as JSON."""
        return {"city": self.city, "wards": list(self.wards), "teams": list(self.teams)}

    @property
    def empty(self) -> bool:
        """Tell whether this scope sees nothing at all."""
        return not (self.city or self.wards or self.teams)

    def allows_team(self, team_id: int, ward_id: int) -> bool:
        """Tell whether a team (in its ward) is inside the scope."""
        return self.city or ward_id in self.wards or team_id in self.teams

    def allows_ward(self, ward_id: int) -> bool:
        """Tell whether a whole ward is inside the scope."""
        return self.city or ward_id in self.wards


def scope_team_ids(session: Session, scope: Scope) -> list[int] | None:
    """Return the ids of the teams in a scope, or None for the whole city."""
    if scope.city:
        return None
    statement = select(col(Team.id))
    if scope.wards:
        statement = statement.where(
            col(Team.ward_id).in_(scope.wards) | col(Team.id).in_(scope.teams)
        )
    else:
        statement = statement.where(col(Team.id).in_(scope.teams))
    return sorted(i for i in session.exec(statement).all() if i is not None)


@dataclass(frozen=True)
class SignedIn:
    """A live dashboard session: who, what they may see, their language, until when."""

    session_id: int
    person_id: int
    display_name: str
    scope: Scope
    locale: str
    expires_at: datetime


def create_link(
    session: Session, *, person_id: int, scope: Scope, locale: str, now: datetime, ttl: timedelta
) -> tuple[str, datetime]:
    """Store a one-time sign-in link; return its token and expiry."""
    token = new_token()
    session.add(
        DashboardLink(
            token_hash=token_hash(token), person_id=person_id, scope=scope.to_json(),
            locale=locale, created_at=now, expires_at=now + ttl,
        )
    )  # fmt: skip
    session.flush()
    return token, now + ttl


def link_is_valid(session: Session, *, token: str, now: datetime) -> bool:
    """Tell whether a link can still be used (without using it)."""
    if not looks_like_token(token):
        return False
    found = session.exec(
        select(col(DashboardLink.id)).where(
            col(DashboardLink.token_hash) == token_hash(token),
            col(DashboardLink.used_at).is_(None),
            col(DashboardLink.expires_at) > now,
        )
    ).first()
    return found is not None


def redeem_link(
    session: Session, *, token: str, now: datetime, ttl: timedelta
) -> tuple[str, SignedIn] | None:
    """Spend a link and open a session; return the session's token, or None if unusable."""
    if not looks_like_token(token):
        return None
    hashed = token_hash(token)
    spent = session.execute(
        update(DashboardLink)
        .where(
            col(DashboardLink.token_hash) == hashed,
            col(DashboardLink.used_at).is_(None),
            col(DashboardLink.expires_at) > now,
        )
        .values(used_at=now)
    )
    if int(getattr(spent, "rowcount", 0) or 0) != 1:
        return None
    link = session.exec(select(DashboardLink).where(col(DashboardLink.token_hash) == hashed)).one()
    secret = new_token()
    row = DashboardSession(
        token_hash=token_hash(secret), person_id=link.person_id, scope=link.scope,
        locale=link.locale, created_at=now, expires_at=now + ttl,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return secret, _signed_in(session, row)


def _signed_in(session: Session, row: DashboardSession) -> SignedIn:
    person = session.get(Person, row.person_id)
    return SignedIn(
        row.id or 0, row.person_id, person.display_name if person else "",
        Scope.from_json(row.scope), row.locale, row.expires_at,
    )  # fmt: skip


def find_session(session: Session, *, token: str, now: datetime) -> SignedIn | None:
    """Return the live session of a cookie value, or None (unknown, expired or signed out)."""
    if not looks_like_token(token):
        return None
    row = session.exec(
        select(DashboardSession).where(
            col(DashboardSession.token_hash) == token_hash(token),
            col(DashboardSession.ended_at).is_(None),
            col(DashboardSession.expires_at) > now,
        )
    ).first()
    return None if row is None else _signed_in(session, row)


def end_session(session: Session, *, token: str, now: datetime) -> bool:
    """Sign a session out; return whether a live one was ended."""
    if not looks_like_token(token):
        return False
    ended = session.execute(
        update(DashboardSession)
        .where(
            col(DashboardSession.token_hash) == token_hash(token),
            col(DashboardSession.ended_at).is_(None),
        )
        .values(ended_at=now)
    )
    return int(getattr(ended, "rowcount", 0) or 0) == 1
