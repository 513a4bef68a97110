"""`python -m bot demo` and `python -m bot report`: demo data that /digest, /report and /hours show."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from domain.services import default_catalogue
from tests.reports.documents import Docx


@pytest.fixture
def env(sqlite_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_demo_then_reports(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--teams", "2"]) == 0
    assert "Created" in capsys.readouterr().out
    assert main(["demo"]) == 0
    assert "already has data" in capsys.readouterr().out
    assert main(["report", "--ward", "1"]) == 0
    written = sorted((env / "data" / "reports").iterdir())
    assert len(written) == 1 and written[0].suffix == ".docx", "no temporary file is left"
    ward = Docx.load(written[0].read_bytes())
    assert ward.cell_lines(ward.header, 0, 0)[0] == "ỦY BAN NHÂN DÂN"
    assert main(["report", "--ward", "1", "--format", "xlsx", "-o", str(env / "w.xlsx")]) == 0
    book = load_workbook(env / "w.xlsx")
    assert book.sheetnames == [
        "1. Theo nội dung",
        "2. Theo tổ",
        "3. Tuyên truyền, lớp học",
        "4. Chỉ tiêu",
        "5. Nguyên nhân",
        "Data",
    ]
    out = env / "team.csv"
    assert main(["report", "--team", "1", "--format", "csv", "-o", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["service", "sessions", "people", "succeeded", "minutes"]
    assert len(rows) == 1 + len(default_catalogue().all())
    assert main(["report", "--city", "--month", "2026-13"]) == 2
    assert main(["report", "--city", "--month", "2099-01"]) == 2
    assert "has not started yet" in capsys.readouterr().err
    assert main(["report", "--team", "99"]) == 1
    assert sorted(p.name for p in env.iterdir() if p.name.startswith(".")) == []
