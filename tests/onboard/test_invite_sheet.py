"""`python -m bot invite sheet`: one page per team, a QR code that decodes to its deep link."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import zxingcpp
from docx import Document
from PIL import Image
from sqlmodel import select

from bot.app import build_app
from bot.cli import main
from bot.settings import load_settings
from storage import invites
from storage.models import Invite

LINK = re.compile(r"https://t\.me/tcns_test_bot\?start=([A-Z2-9]{12})")


@pytest.fixture
def env(sqlite_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "tcns_test_bot")
    monkeypatch.chdir(tmp_path)
    list_file = tmp_path / "list.csv"
    list_file.write_text(
        "Phường/xã,Tên tổ,Địa bàn,Tổ trưởng\n"
        "Phường Hải Châu,Tổ 1,TDP 1,Nguyễn Thị Hoa\n"
        "Phường Hải Châu,Tổ 2,TDP 2,\n"
        "Xã Bà Nà,Thôn An Sơn,,\n",
        encoding="utf-8",
    )
    assert main(["team", "import", str(list_file)]) == 0
    return tmp_path


def decode(png: bytes) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def stored_codes() -> dict[str, int]:
    app = build_app(load_settings(), migrate=False)
    try:
        return app.db.run_sync(
            lambda s: {
                i.code: i.team_id for i in s.exec(select(Invite)).all() if i.role == "leader"
            }
        )
    finally:
        app.close()


def test_a_ward_sheet_has_one_page_per_team_and_each_qr_is_its_link(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = env / "sheets" / "hai-chau.docx"
    assert main(["invite", "sheet", "--ward", "1", "-o", str(out)]) == 0
    assert "Wrote 2 invite sheet(s)" in capsys.readouterr().out
    document = Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.count("Thư mời tổ trưởng") == 2
    assert "Tổ: Tổ 1" in text and "Gửi: Nguyễn Thị Hoa" in text and "Tổ: Tổ 2" in text
    assert "Thôn An Sơn" not in text  # another ward
    codes = stored_codes()
    with zipfile.ZipFile(out) as archive:
        images = [
            archive.read(n) for n in sorted(archive.namelist()) if n.startswith("word/media/")
        ]
    links = [link for image in images for link in decode(image)]
    assert len(links) == 2
    for link in links:
        match = LINK.fullmatch(link)
        assert match is not None, link
        code = match.group(1)
        assert codes[code] in (1, 2)
        assert f"/start {invites.grouped(code)}" in text  # the code to type on Zalo/web
    assert re.search(r"Hạn dùng: đến \d\d:\d\d ngày \d\d/\d\d/\d{4}", text)


def test_teams_with_a_leader_are_skipped_unless_asked_and_bad_scopes_are_refused(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = env / "all.docx"
    assert main(["invite", "sheet", "--all", "-o", str(out)]) == 0
    assert "Wrote 3 invite sheet(s)" in capsys.readouterr().out
    app = build_app(load_settings(), migrate=False)
    try:
        from storage import people

        now = app.parts.clock.now()

        def lead(session: object) -> None:
            person = people.ensure_person(
                session, channel="test", user_id="h", chat_id="h", now=now
            )  # type: ignore[arg-type]
            code = next(c for c, team in stored_codes().items() if team == 3)
            invites.redeem_invite(session, code=code, person_id=person.id or 0, now=now)  # type: ignore[arg-type]

        app.db.run_sync(lead)  # type: ignore[arg-type]
    finally:
        app.close()
    assert main(["invite", "sheet", "--team", "3", "-o", str(out)]) == 1
    assert "no team in scope without a leader (1 have one)" in capsys.readouterr().out
    assert main(["invite", "sheet", "--team", "3", "--with-leader", "-o", str(out)]) == 0
    assert main(["invite", "sheet", "--team", "9", "-o", str(out)]) == 1
    assert main(["invite", "sheet", "--ward", "9", "-o", str(out)]) == 1
    assert main(["invite", "sheet", "--all", "-o", str(env / "x.txt")]) == 2
    monkeypatch.delenv("TELEGRAM_BOT_USERNAME")
    assert main(["invite", "sheet", "--all", "-o", str(out)]) == 2
    assert "TELEGRAM_BOT_USERNAME" in capsys.readouterr().err


@pytest.mark.slow
def test_the_pdf_sheet_prints_a_qr_code_that_scans(env: Path) -> None:
    if shutil.which("libreoffice") is None or shutil.which("pdftoppm") is None:
        pytest.skip("LibreOffice and pdftoppm are needed to print the PDF (see .ci/run)")
    out = env / "tổ-1.pdf"
    assert main(["invite", "sheet", "--team", "1", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-png", "-r", "100", str(out), str(env / "page")], check=True)
    pages = sorted(env.glob("page*.png"))
    assert len(pages) == 1  # one team, one page
    links = decode(pages[0].read_bytes())
    assert len(links) == 1 and LINK.fullmatch(links[0])
