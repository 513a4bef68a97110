"""Render the monthly report as a ward receives it: DOCX -> PDF (LibreOffice) -> PNG (pdftoppm).

Seeds a throw-away SQLite database with one ward of three teams and November 2026's work
(help sessions, an awareness session, a class, households, targets, the leader's notes; the third
team logged nothing), issues the team report and the ward report on 5 December 2026, and writes
docs/img/report-team-<page>.png and docs/img/report-ward-<page>.png.

Needs `libreoffice` (Debian: libreoffice-writer-nogui) and `pdftoppm` (poppler-utils); Times New
Roman is replaced by the metric-compatible Liberation Serif (fonts-liberation) where it is absent.
Usage (from the repository root): python -m scripts.render_report_pages [--out docs/img] [--dpi 80]
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path

from sqlmodel import Session

from bot.app import build_app
from bot.core.clock import FixedClock
from bot.settings import Settings
from domain.office_hours import day_kind
from domain.periods import Month
from handlers.leaders.report_issue import issue_report
from storage import assists, people, report_notes, targets, teams
from storage.assists import ItemInput
from storage.models import Membership
from storage.month_report import ScopeKind

NOW = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
MONTH = Month(2026, 11)
SERVICES = [
    ("vneid_level2", ("otp_not_received", "no_chip_card")), ("vneid_install_l1", ()),
    ("dvc_online", ()), ("cashless", ()), ("social_insurance", ()), ("cyber_safety", ()),
]  # fmt: skip
NOTES = {
    "difficulties": "Nhiều người cao tuổi chưa có điện thoại thông minh hoặc dùng SIM không chính "
    "chủ nên chưa nhận được mã OTP.\nMột số hộ đi làm cả ngày, chỉ gặp được vào buổi tối.",
    "plan": "Tổ chức 02 buổi hỗ trợ buổi tối tại nhà văn hóa tổ dân phố.\nPhối hợp Công an phường "
    "hỗ trợ định danh mức 2 cho người cao tuổi tại nhà.",
    "requests": "Đề nghị UBND phường hỗ trợ 01 điểm phát wifi tại nhà văn hóa tổ dân phố.",
}


def seed(session: Session) -> tuple[int, int]:
    """Create the ward, its teams and November's work; return (team id, ward id)."""
    rng = random.Random(2026)
    made = [
        teams.create_team(
            session,
            ward_name="Phường Hải Châu",
            name=f"Tổ dân phố {n}",
            areas=[f"Khu dân cư {n}A", f"Khu dân cư {n}B"],
            now=NOW,
        )
        for n in (12, 13, 14)
    ]
    leaders = ("Nguyễn Thị Hoa", "Trần Văn Bình", "Lê Thu")
    for index, (team, leader) in enumerate(zip(made, leaders, strict=True)):
        assert team.id is not None
        members = []
        for position, name in enumerate((leader, "Phạm Minh", "Võ Lan", "Đặng Tuấn")):
            member = people.ensure_person(
                session, channel="demo", user_id=f"{team.id}-{position}", chat_id="", now=NOW
            )
            member.display_name = name
            session.add(member)
            session.flush()
            role = "leader" if position == 0 else "volunteer"
            session.add(
                Membership(person_id=member.id or 0, team_id=team.id, role=role, joined_at=NOW)
            )
            members.append(member.id or 0)
        if index == 2:
            continue  # a team that logged nothing still has its row in the ward report
        areas = [a.id for a in teams.areas_of(session, team.id)]
        for day in MONTH.days():
            for person in members:
                if rng.random() > 0.35:
                    continue
                items = []
                for key, reasons in rng.sample(SERVICES, k=rng.choice((1, 1, 2))):
                    helped = rng.randrange(1, 5)
                    ok = rng.randrange(max(0, helped - 2), helped + 1)
                    why = tuple(rng.choice(reasons) for _ in range(helped - ok)) if reasons else ()
                    items.append(ItemInput(key, helped, ok if reasons else helped, why))
                assists.add_assist(
                    session, person_id=person, team_id=team.id, area_id=rng.choice(areas), day=day,
                    received_at=NOW, minutes=rng.choice((30, 45, 60, 90)), channel="demo", note="",
                    out_of_hours=rng.random() < 0.4, day_kind=day_kind(day), items=items,
                    households=rng.choice((None, 1, 2)),
                )  # fmt: skip
        for day, kind, attendees in (
            (date(2026, 11, 14), "awareness", 42),
            (date(2026, 11, 21), "class", 18),
        ):
            assists.add_assist(
                session, person_id=members[0], team_id=team.id, area_id=areas[0], day=day,
                received_at=NOW, minutes=120, channel="demo", note="", out_of_hours=True,
                day_kind=day_kind(day), items=[], kind=kind, attendees=attendees + index * 5,
            )  # fmt: skip
    first = made[0].id or 0
    area = teams.areas_of(session, first)[0]
    for area_id, metric, number in ((area.id, "vneid_level2", 40), (None, "people", 150)):
        targets.set_target(
            session, team_id=first, area_id=area_id, metric=metric, month=MONTH.key,
            target=number, set_by=None, now=NOW,
        )  # fmt: skip
    for part, text in NOTES.items():
        report_notes.save_note(
            session, team_id=first, month=MONTH.key, part=part, text=text, by=None, now=NOW
        )
    report_notes.set_prefix(session, scope="team", scope_id=first, prefix="TCNS-TDP12", now=NOW)
    return first, made[0].ward_id


def render(docx: bytes, stem: str, out: Path, dpi: int, work: Path) -> list[Path]:
    """Write the DOCX's pages as PNG files named <stem>-<page>.png; return them."""
    source = work / f"{stem}.docx"
    source.write_bytes(docx)
    subprocess.run(
        ["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(work), str(source)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), str(work / f"{stem}.pdf"), str(work / stem)],
        check=True, timeout=120,
    )  # fmt: skip
    for old in out.glob(f"{stem}-*.png"):
        old.unlink()
    written = []
    for page in sorted(work.glob(f"{stem}-*.png")):
        number = int(page.stem.rsplit("-", 1)[1])
        target = out / f"{stem}-{number}.png"
        shutil.copy(page, target)
        written.append(target)
    return written


def main() -> None:
    """Seed, issue the team and ward reports, render their pages."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/img")
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args()
    for tool in ("libreoffice", "pdftoppm"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing (apt-get install libreoffice-writer-nogui poppler-utils)")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        settings = replace(Settings(), database_url=f"sqlite:///{work / 'bot.db'}")
        app = build_app(settings, clock=FixedClock(NOW))
        try:
            team_id, ward_id = app.db.run_sync(seed)
            catalog = app.parts.translations.get("vi")
            issued = (NOW + timedelta(hours=7)).date()
            scopes: tuple[tuple[ScopeKind, int], ...] = (("team", team_id), ("ward", ward_id))
            for kind, scope_id in scopes:
                issue = partial(
                    issue_report, kind=kind, scope_id=scope_id, month=MONTH, issued=issued,
                    now=NOW, catalog=catalog, lang="vi", province=settings.province,
                )  # fmt: skip
                report = app.db.run_sync(issue)
                for page in render(report.docx(), f"report-{kind}", out, args.dpi, work):
                    sys.stdout.write(f"{page}\n")
        finally:
            app.close()


if __name__ == "__main__":
    main()
