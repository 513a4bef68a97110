"""Personal-data duties: the privacy notice, forgetting a resident, purging old questions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlmodel import Field, Session, SQLModel, col

from storage.dialect import rowcount
from storage.models import ChatMenu, Conversation, Identity, Person, utc_column
from storage.question_models import ResidentQuestion

metadata = SQLModel.metadata

# Tables whose rows are a team's work records: a person who has any cannot simply be forgotten.
WORK_TABLES = ("membership", "assist_session", "audit_entry", "wardadmin")
# Rows kept when a former member is anonymised: what the team did stays in its reports.
RECORD_TABLES = frozenset(
    {*WORK_TABLES, "invite", "team_target", "faq_phrasing", "handoff", "person"}
)


class PrivacyAck(SQLModel, table=True):
    """When a person was shown the privacy notice."""

    __tablename__ = "privacy_ack"
    person_id: int = Field(primary_key=True, foreign_key="person.id", ondelete="CASCADE")
    shown_at: datetime = utc_column()


def notice_shown(session: Session, person_id: int) -> bool:
    """Tell whether the person has already seen the privacy notice."""
    return session.get(PrivacyAck, person_id) is not None


def mark_notice_shown(session: Session, person_id: int, now: datetime) -> None:
    """Remember that the privacy notice was shown."""
    if session.get(PrivacyAck, person_id) is None:
        session.add(PrivacyAck(person_id=person_id, shown_at=now))


def has_work_records(session: Session, person_id: int) -> bool:
    """Tell whether the person holds team roles or logged sessions."""
    for name in WORK_TABLES:
        table = metadata.tables.get(name)
        if table is None:
            continue
        for column in table.columns:
            if any(fk.column.table.name == "person" for fk in column.foreign_keys):
                found = session.execute(select(column).where(column == person_id).limit(1))
                if found.first() is not None:
                    return True
    return False


def forget_person(session: Session, person_id: int) -> dict[str, int]:
    """Delete a person, their identities, conversations, questions and every row pointing at them."""
    removed = _delete_rows_of(session, person_id, keep=frozenset({"person"}))
    person = session.get(Person, person_id)
    if person is not None:
        session.delete(person)
        removed["person"] = 1
    session.flush()
    return removed


def anonymise_person(session: Session, person_id: int, now: datetime) -> dict[str, int]:
    """Forget a former member: name, accounts, questions and chats go; team records stay.

    The person row stays under its number, without a name, so past sessions still count in
    the reports; a later message from the same account starts as a new person.
    """
    removed = _delete_rows_of(session, person_id, keep=RECORD_TABLES)
    person = session.get(Person, person_id)
    if person is not None:
        person.display_name, person.locale, person.forgotten_at = "", "", now
        session.add(person)
    session.flush()
    return removed


def _delete_rows_of(session: Session, person_id: int, *, keep: frozenset[str]) -> dict[str, int]:
    """Delete the person's conversations and the rows of every table not kept that point at them."""
    removed: dict[str, int] = {}
    identities = session.execute(
        select(col(Identity.channel), col(Identity.user_id), col(Identity.chat_id)).where(
            col(Identity.person_id) == person_id
        )
    ).all()
    for channel, user_id, chat_id in identities:
        removed["conversation"] = removed.get("conversation", 0) + rowcount(
            session.execute(
                delete(Conversation).where(
                    col(Conversation.channel) == channel, col(Conversation.user_id) == user_id
                )
            )
        )
        session.execute(
            delete(ChatMenu).where(
                col(ChatMenu.channel) == channel, col(ChatMenu.chat_id) == chat_id
            )
        )
    for table in reversed(metadata.sorted_tables):
        if table.name in keep:
            continue
        for column in table.columns:
            if any(fk.column.table.name == "person" for fk in column.foreign_keys):
                count = rowcount(session.execute(delete(table).where(column == person_id)))
                if count:
                    removed[table.name] = removed.get(table.name, 0) + count
    return removed


def purge_questions(session: Session, *, before: datetime) -> int:
    """Delete residents' stored questions older than a moment; return how many."""
    result = session.execute(
        delete(ResidentQuestion).where(col(ResidentQuestion.created_at) < before)
    )
    return rowcount(result)
