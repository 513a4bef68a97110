"""What to call a member in a digest or a file: their name, or how they joined when they gave none."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from storage.models import Identity
from storage.people import profiles


@dataclass(frozen=True, order=True)
class MemberLabel:
    """A member's display name, or ("", the channel of their first account) when they have none."""

    name: str
    channel: str = ""


def member_labels(session: Session, person_ids: Iterable[int]) -> dict[int, MemberLabel]:
    """Return the label of many people; the unnamed get the channel they first used."""
    wanted = set(person_ids)
    named = profiles(session, wanted)
    labels = {i: MemberLabel(name.strip()) for i, (name, _locale) in named.items()}
    unnamed = sorted(i for i in wanted if not labels.get(i, MemberLabel("")).name)
    for start in range(0, len(unnamed), 5000):
        statement = (
            select(col(Identity.person_id), col(Identity.channel))
            .where(col(Identity.person_id).in_(unnamed[start : start + 5000]))
            .order_by(col(Identity.person_id), col(Identity.created_at), col(Identity.id))
        )
        for person, channel in session.connection().execute(statement):
            if not labels.get(person, MemberLabel("")).channel:
                labels[person] = MemberLabel("", channel)
    for person in wanted:
        labels.setdefault(person, MemberLabel(""))
    return labels
