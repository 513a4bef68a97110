"""`team create` prints a leader invite; rename, move, close; `member list|remove`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot.app import build_app
from bot.cli import main
from bot.settings import load_settings
from storage import invites, team_prefs
from storage.models import Invite


@pytest.fixture
def env(sqlite_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "tcns_test_bot")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_team_create_json_prints_a_one_time_leader_invite(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = run_json(capsys, "team", "create", "--ward", "Phường Hải Châu", "--name", "Tổ 12",
                    "--areas", "TDP 1, TDP 2", "--json")  # fmt: skip
    assert isinstance(made, dict)
    invite = made["invite"]
    assert invite["role"] == "leader" and invite["max_uses"] == 1
    assert invite["link"] == f"https://t.me/tcns_test_bot?start={invite['code']}"
    assert invites.CODE_SHAPE.fullmatch(invite["code"])
    assert made["areas"] == ["TDP 1", "TDP 2"] and made["created"] is True
    again = run_json(capsys, "team", "create", "--ward", "Phường Hải Châu", "--name", "Tổ 12",
                     "--json", "--no-invite")  # fmt: skip
    assert isinstance(again, dict) and again["created"] is False and "invite" not in again
    assert main(["team", "create", "--ward", "Phường Hải Châu", "--name", "Tổ 13"]) == 0
    out = capsys.readouterr().out
    assert "Created team #2" in out and "https://t.me/tcns_test_bot?start=" in out


def test_rename_move_close_and_reopen(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("Tổ 1", "Tổ 2"):
        assert main(["team", "create", "--ward", "Phường A", "--name", name, "--no-invite"]) == 0
    assert main(["team", "rename", "--team", "1", "--name", "Tổ 2"]) == 1  # clash in the ward
    assert "already has a team named" in capsys.readouterr().err
    assert main(["team", "rename", "--team", "1", "--name", "Tổ 1 Hòa Cường"]) == 0
    assert main(["team", "move", "--team", "2", "--ward", "Phường Hải Châu"]) == 0
    assert main(["team", "close", "--team", "2"]) == 0
    assert main(["team", "rename", "--team", "9", "--name", "x"]) == 1
    listed = run_json(capsys, "team", "list", "--json")
    assert listed == [
        {"id": 1, "name": "Tổ 1 Hòa Cường", "ward_id": 1, "closed": False},
        {"id": 2, "name": "Tổ 2", "ward_id": 2, "closed": True},
    ]
    app = build_app(load_settings(), migrate=False)
    try:
        open_teams = app.db.run_sync(lambda s: [p.team_id for p in team_prefs.all_teams(s)])
    finally:
        app.close()
    assert open_teams == [1]  # the planner reads this: no reminders or digests for team 2
    assert main(["team", "reopen", "--team", "2"]) == 0


def test_member_list_and_remove(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    made = run_json(capsys, "team", "create", "--ward", "Phường A", "--name", "Tổ 1", "--json")
    assert isinstance(made, dict)
    app = build_app(load_settings(), migrate=False)
    try:
        now = app.parts.clock.now()

        def join(session: Session) -> None:
            from storage import people

            person = people.ensure_person(
                session, channel="test", user_id="h", chat_id="h", now=now
            )
            person.display_name = "Hoa"
            invites.redeem_invite(session, code=made["invite"]["code"].lower(),
                                  person_id=person.id or 0, now=now)  # fmt: skip

        app.db.run_sync(join)
    finally:
        app.close()
    listed = run_json(capsys, "member", "list", "--team", "1", "--json")
    assert isinstance(listed, list) and len(listed) == 1
    assert listed[0]["name"] == "Hoa" and listed[0]["role"] == "leader"
    assert listed[0]["last_logged"] is None and listed[0]["active"] is False
    person = listed[0]["person_id"]
    assert main(["member", "remove", "--team", "1", "--person", str(person)]) == 0
    assert run_json(capsys, "member", "list", "--team", "1", "--json") == []
    assert main(["member", "remove", "--team", "1", "--person", str(person)]) == 1
    assert main(["member", "list", "--team", "7"]) == 1


def test_invite_cli_prints_a_grouped_code(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["team", "create", "--ward", "Phường A", "--name", "Tổ 1", "--no-invite"]) == 0
    capsys.readouterr()
    made = run_json(capsys, "invite", "--team", "1", "--role", "volunteer", "--json")
    assert isinstance(made, dict) and made["code_grouped"] == invites.grouped(made["code"])
    assert main(["invite", "--team", "1"]) == 2  # --role missing: a clear message
    assert "--role" in capsys.readouterr().err
    app = build_app(load_settings(), migrate=False)
    try:
        stored = app.db.run_sync(lambda s: [i.code for i in s.exec(select(Invite)).all()])
    finally:
        app.close()
    assert made["code"] in stored
