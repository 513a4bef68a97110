"""One-time invite codes that join a person to a team with a role."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, col, select

from storage.models import Invite, Membership, Team

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Letters and digits that cannot be mistaken for one another: no 0/O, 1/I/L (31 symbols)."""
CODE_LENGTH = 12  # about 59 bits; shown as three groups of four (ABCD-EFGH-JKMN)
CODE_SHAPE = re.compile(rf"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
OLD_CODE_SHAPE = re.compile(r"[A-Za-z0-9_-]{16}")  # codes made before 2026-12 (base64url)


class RedeemResult(StrEnum):
    """What happened to a code."""

    JOINED = "joined"
    ROLE_CHANGED = "role_changed"
    ALREADY = "already"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"


def new_code() -> str:
    """Return an unguessable code of look-alike-free characters, with a letter and a digit."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if any(ch.isdigit() for ch in code) and any(ch.isalpha() for ch in code):
            return code


def normalize_code(typed: str) -> str:
    """Return a typed code in stored form: upper case, without the spaces and dashes of groups."""
    return re.sub(r"[\s\-.]", "", typed).upper()


def looks_like_code(text: str) -> bool:
    """Tell whether a message typed alone reads as an invite code (new or old form)."""
    typed = text.strip()
    if len(typed) > 40:
        return False
    if OLD_CODE_SHAPE.fullmatch(typed):
        return any(ch.isdigit() for ch in typed)
    code = normalize_code(typed)
    return bool(CODE_SHAPE.fullmatch(code)) and any(ch.isdigit() for ch in code)


def grouped(code: str) -> str:
    """Return a code as people read it aloud or copy it from paper: ABCD-EFGH-JKMN."""
    if not CODE_SHAPE.fullmatch(code):
        return code
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def find_invite(session: Session, code: str, *, lock: bool = False) -> Invite | None:
    """Return the invite a typed code names: exactly as stored (older codes), else normalized."""
    typed = code.strip()
    if not typed or len(typed) > 64:
        return None
    found = session.get(Invite, typed, with_for_update=lock)
    if found is None:
        normal = normalize_code(typed)
        if normal != typed and CODE_SHAPE.fullmatch(normal):
            found = session.get(Invite, normal, with_for_update=lock)
    return found


def create_invite(
    session: Session,
    *,
    team_id: int,
    role: str,
    now: datetime,
    ttl: timedelta,
    max_uses: int = 1,
    created_by: int | None = None,
) -> Invite:
    """Create and store an invite code."""
    invite = Invite(
        code=new_code(),
        team_id=team_id,
        role=role,
        created_by=created_by,
        created_at=now,
        expires_at=now + ttl,
        max_uses=max_uses,
    )
    session.add(invite)
    session.flush()
    return invite


def redeem_invite(
    session: Session, *, code: str, person_id: int, now: datetime
) -> tuple[RedeemResult, Invite | None]:
    """Use a code to join its team with its role; count the use."""
    invite = find_invite(session, code, lock=True)
    if invite is None:
        return RedeemResult.UNKNOWN, None
    if invite.expires_at <= now:
        return RedeemResult.EXPIRED, invite
    if invite.uses >= invite.max_uses:
        return RedeemResult.USED, invite
    team = session.get(Team, invite.team_id)
    if team is None or team.closed_at is not None:  # a closed team takes no new members
        return RedeemResult.EXPIRED, invite
    row = session.exec(
        select(Membership).where(
            col(Membership.person_id) == person_id, col(Membership.team_id) == invite.team_id
        )
    ).first()
    result = RedeemResult.JOINED
    if row is None:
        session.add(
            Membership(person_id=person_id, team_id=invite.team_id, role=invite.role, joined_at=now)
        )
    else:
        if row.active and row.role == invite.role:
            return RedeemResult.ALREADY, invite
        if row.role == "leader" and invite.role == "volunteer" and row.active:
            return RedeemResult.ALREADY, invite
        result = RedeemResult.ROLE_CHANGED if row.active else RedeemResult.JOINED
        row.role, row.active = invite.role, True
        row.left_at, row.left_reason = None, ""
        session.add(row)
    invite.uses += 1
    session.add(invite)
    session.flush()
    return result, invite
