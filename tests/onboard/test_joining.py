"""Joining is forgiving: codes read aloud or typed from paper, pasted alone, any case; old codes work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from bot.app import App
from storage import invites, teams
from storage.models import Invite, Membership
from tests.factories import Harness, make_team


def vi(app: App, key: str, **params: object) -> str:
    return app.parts.translations.get("vi").text(key, **params)


def new_invite(app: App, team_id: int, *, role: str = "volunteer", code: str | None = None) -> str:
    now = app.parts.clock.now()

    def work(session: Session) -> str:
        if code is not None:  # an invite made before the look-alike-free alphabet
            session.add(
                Invite(
                    code=code, team_id=team_id, role=role, created_at=now,
                    expires_at=now + timedelta(days=7),
                )
            )  # fmt: skip
            return code
        made = invites.create_invite(
            session, team_id=team_id, role=role, now=now, ttl=timedelta(days=7)
        )
        return made.code

    return app.db.run_sync(work)


def members_of(app: App, team_id: int) -> list[int]:
    return app.db.run_sync(
        lambda s: [
            m.person_id
            for m in s.exec(select(Membership).where(Membership.team_id == team_id)).all()
            if m.active
        ]
    )


def test_codes_use_no_look_alike_characters() -> None:
    for _ in range(2000):
        code = invites.new_code()
        assert len(code) == invites.CODE_LENGTH
        assert not set(code) & set("0O1IL"), code
        assert code == code.upper()
        assert any(c.isdigit() for c in code) and any(c.isalpha() for c in code)
    assert invites.grouped("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"
    assert invites.normalize_code(" abcd-efgh jkmn ") == "ABCDEFGHJKMN"


async def test_a_code_pasted_alone_joins(app: App, harness: Harness) -> None:
    team = make_team(app)
    code = new_invite(app, team)
    lan = harness.user("100", name="Lan")
    await lan.say(code)
    assert vi(app, "invite.joined", team="Tổ 12", role=vi(app, "role.volunteer")) in lan.text()
    assert len(members_of(app, team)) == 1


async def test_codes_are_case_insensitive_with_or_without_groups(
    app: App, harness: Harness
) -> None:
    team = make_team(app)
    typed_forms = [
        lambda c: c.lower(),  # typed from paper in lower case, alone
        lambda c: "/start " + invites.grouped(c).lower(),
        lambda c: " ".join(c[i : i + 4] for i in range(0, 12, 4)),  # read aloud in groups
    ]
    for number, form in enumerate(typed_forms):
        code = new_invite(app, team)
        user = harness.user(f"20{number}", name=f"Người {number}")
        await user.say(form(code))
        assert "✅" in user.text(), (form(code), user.text())
    assert len(members_of(app, team)) == 3


async def test_existing_codes_keep_working_pasted_or_after_start(
    app: App, harness: Harness
) -> None:
    team = make_team(app)
    old_a = new_invite(app, team, code="aB3-dE_fG7hJ9kLm")  # base64url, 16 characters
    old_b = new_invite(app, team, code="Zx9-Qw_Er7Ty1Ui0")
    await harness.user("300").say(old_a)
    await harness.user("301").say(f"/start {old_b}")
    assert len(members_of(app, team)) == 2


async def test_a_mistyped_code_alone_is_refused_clearly_and_questions_still_reach_the_faq(
    app: App, harness: Harness
) -> None:
    make_team(app)
    user = harness.user("400")
    await user.say("ABCD-EFGH-JK2N")
    assert user.texts() and vi(app, "invite.unknown") in user.text()
    await user.say("cách cài vneid mức 2")
    assert vi(app, "invite.unknown") not in user.text()


async def test_a_closed_team_takes_no_new_members(app: App, harness: Harness) -> None:
    team = make_team(app)
    code = new_invite(app, team)
    now = datetime(2026, 3, 4, tzinfo=UTC)
    app.db.run_sync(lambda s: teams.close_team(s, team, now=now))
    user = harness.user("500")
    await user.say(f"/start {code}")
    assert vi(app, "invite.expired") in user.text()
    assert members_of(app, team) == []
