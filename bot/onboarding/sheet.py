"""`python -m bot invite sheet` (run from bot/cli/invite.py): one leader invite per team, printed as a DOCX (or PDF) sheet."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session

from bot.app import build_app
from bot.cli.base import say
from bot.core.links import BotLinks
from bot.onboarding.invites import invite_record
from bot.settings import Settings
from domain.invite_sheet import SheetEntry, render_docx
from storage import members, teams
from storage.models import Team


def run_sheet(args: argparse.Namespace, settings: Settings) -> int:
    """Create a one-time leader invite for each team in scope and write the sheets."""
    output = Path(args.output)
    if output.suffix.lower() not in (".docx", ".pdf"):
        say(f"{output.name}: write a .docx or a .pdf file", error=True)
        return 2
    if output.suffix.lower() == ".pdf" and _office() is None:
        say(
            "A PDF needs LibreOffice (apt install libreoffice-writer); or write a .docx", error=True
        )
        return 2
    username = settings.channel("telegram").username
    if not username:
        say("Set TELEGRAM_BOT_USERNAME: the QR codes hold the t.me link of the bot", error=True)
        return 2
    app = build_app(settings)
    try:
        now = app.parts.clock.now()
        ttl = timedelta(days=args.sheet_days or settings.invite_ttl_days)
        links = app.parts.get(BotLinks)

        def create(session: Session) -> tuple[list[SheetEntry], int] | str:
            chosen = _teams_in_scope(session, args)
            if isinstance(chosen, str):
                return chosen
            wards = {w.id: w.name for w in teams.list_wards(session)}
            entries: list[SheetEntry] = []
            skipped = 0
            for team in chosen:
                assert team.id is not None
                if not args.with_leader and members.leaders_of(session, team.id):
                    skipped += 1
                    continue
                made = invite_record(session, team, role="leader", now=now, ttl=ttl, links=links)
                entries.append(
                    SheetEntry(
                        ward=wards.get(team.ward_id, ""),
                        team=team.name,
                        code=str(made["code_grouped"]),
                        link=str(made["link"]),
                        expires_at=now + ttl,
                        leader=team.invited_leader,
                    )
                )
            return entries, skipped

        result = app.db.run_sync(create)
        if isinstance(result, str):
            say(result, error=True)
            return 1
        entries, skipped = result
        if not entries:
            say(f"No sheet written: no team in scope without a leader ({skipped} have one).")
            return 1
        catalog = app.parts.translations.get(settings.default_locale)
        content = render_docx(entries, catalog, tz=settings.timezone, bot_username=username)
        _write(content, output)
        say(f"Wrote {len(entries)} invite sheet(s) to {output}")
        if skipped:
            say(f"Skipped {skipped} team(s) that already have a leader (--with-leader to include)")
        return 0
    finally:
        app.close()


def _teams_in_scope(session: Session, args: argparse.Namespace) -> list[Team] | str:
    if args.sheet_team is not None:
        team = teams.get_team(session, args.sheet_team)
        return [team] if team is not None else f"No team with id {args.sheet_team}"
    if args.sheet_ward is not None:
        if teams.get_ward(session, args.sheet_ward) is None:
            return f"No ward with id {args.sheet_ward}"
        found = teams.list_teams(session, ward_id=args.sheet_ward)
    else:
        found = teams.list_teams(session)
    return [team for team in found if team.closed_at is None]


def _office() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


def _write(content: bytes, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.suffix.lower() == ".docx":
        output.write_bytes(content)
        return
    office = _office()
    assert office is not None
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / (output.stem + ".docx")
        source.write_bytes(content)
        subprocess.run(
            [office, f"-env:UserInstallation=file://{folder}/profile", "--headless",
             "--convert-to", "pdf", "--outdir", folder, str(source)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        shutil.move(str(Path(folder) / (output.stem + ".pdf")), output)
