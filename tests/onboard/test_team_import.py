"""`python -m bot team import`: a city's list, checked row by row, all or nothing, idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import select

from bot.app import build_app
from bot.cli import main
from bot.settings import load_settings
from storage.models import Area, Team, Ward

VI_HEADER = ["STT", "Phường/Xã", "Tên tổ", "Địa bàn", "Tổ trưởng"]


@pytest.fixture
def env(sqlite_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def xlsx(path: Path, rows: list[list[object]], *, merges: list[str] = ()) -> Path:  # type: ignore[assignment]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    book.save(path)
    return path


def stored() -> tuple[list[str], list[tuple[int, str, str]], list[tuple[int, str]]]:
    app = build_app(load_settings(), migrate=False)
    try:
        return app.db.run_sync(
            lambda s: (
                [w.name for w in s.exec(select(Ward)).all()],
                [(t.ward_id, t.name, t.invited_leader) for t in s.exec(select(Team)).all()],
                [(a.team_id, a.name) for a in s.exec(select(Area)).all()],
            )
        )
    finally:
        app.close()


def result(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    out = capsys.readouterr().out.strip().splitlines()[-1]
    parsed = json.loads(out)
    assert isinstance(parsed, dict)
    return parsed


def test_a_city_list_imports_once_and_twice_changes_nothing(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = xlsx(env / "danang.xlsx", [
        ["DANH SÁCH TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG"],  # a title line above the header
        VI_HEADER,
        [1, "Phường Hải Châu", "Tổ 1", "TDP 1, TDP 2", "Nguyễn Văn An"],
        [2, None, "Tổ 2", "TDP 3; TDP 3", None],  # the ward merged down over its teams
        [3, "Xã Hòa Vang", "Thôn Phú Sơn", "Thôn Phú Sơn", ""],
    ], merges=["B3:B4"])  # fmt: skip
    assert main(["team", "import", str(path), "--dry-run", "--json"]) == 0
    dry = result(capsys)
    assert dry["teams"] == {"created": 3, "present": 0} and dry["dry_run"] is True
    assert dry["areas"] == {"created": 4, "present": 0}
    assert stored() == ([], [], [])
    assert main(["team", "import", str(path), "--json"]) == 0
    first = result(capsys)
    assert first["wards"] == {"created": 2, "present": 0} and first["changed"] is True
    wards, teams, areas = stored()
    assert wards == ["Phường Hải Châu", "Xã Hòa Vang"]
    assert teams == [(1, "Tổ 1", "Nguyễn Văn An"), (1, "Tổ 2", ""), (2, "Thôn Phú Sơn", "")]
    assert areas == [(1, "TDP 1"), (1, "TDP 2"), (2, "TDP 3"), (3, "Thôn Phú Sơn")]
    assert main(["team", "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Nothing new" in out and "teams: 0 created, 3 already present" in out
    assert stored() == (wards, teams, areas)


def test_english_headers_without_diacritics_in_a_csv_and_formula_characters_stay_text(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = env / "list.csv"
    path.write_text(
        "phuong xa;ten to;dia ban\n"
        'Phường Thanh Khê;=HYPERLINK("x");+84 khu 1, @khu 2\n'
        "phường thanh khê;Tổ 5;\n",
        encoding="utf-8",
    )
    assert main(["team", "import", str(path), "--json"]) == 0
    assert result(capsys)["teams"] == {"created": 2, "present": 0}
    wards, teams, areas = stored()
    assert wards == ["Phường Thanh Khê"]  # the same ward in another case is one ward
    assert [t[1] for t in teams] == ['=HYPERLINK("x")', "Tổ 5"]
    assert [a[1] for a in areas] == ["+84 khu 1", "@khu 2"]
    english = env / "en.csv"
    english.write_text("Ward,Team name,Areas,Leader\nPhường A,Team 1,,Lan\n", encoding="utf-8")
    assert main(["team", "import", str(english)]) == 0


def test_every_bad_row_is_named_and_nothing_is_imported(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = xlsx(env / "bad.xlsx", [
        VI_HEADER,
        [1, "Phường Hải Châu", "Tổ 1", "TDP 1"],
        [2, "Phường Hải Châu", "", "TDP 2"],  # empty team name
        [3, "phuong hai chau", "tổ 1", ""],  # the same team again
        [4, "", "Tổ 9", ""],  # empty ward
        [5, "Phường Hải Châu", "=CONCAT(\"Tổ \", 7)", ""],  # a real formula
        [6, "Phường Hải Châu", "Tổ 8", "", "", "lạc cột"],  # a value outside the columns
    ])  # fmt: skip
    assert main(["team", "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "Nothing imported" in err
    assert "row 3: empty team name" in err
    assert "row 4: team 'tổ 1' of 'phuong hai chau' is already on row 2" in err
    assert "row 5: empty ward or commune" in err
    assert "row 6: the team cell is a formula; paste values only" in err
    assert "row 7: a value outside the named columns: 'lạc cột'" in err
    assert stored() == ([], [], [])
    assert main(["team", "import", str(path), "--json"]) == 1
    assert result(capsys)["ok"] is False


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("list.xlsx", b"%PDF-1.4 not a workbook", "is not an Excel workbook"),
        ("list.pdf", b"%PDF-1.4", "give an .xlsx or .csv file"),
        ("empty.csv", b"", "is empty"),
        ("blank.csv", b"\n\n  \n", "the file has no rows"),
        ("header.csv", "Phường/xã,Tên tổ\n".encode(), "no teams below it"),
        ("noheader.csv", "Phường A,Tổ 1\n".encode(), "no header row in the first 10 rows"),
        ("col.csv", "Phường/xã,Tên tổ,Số điện thoại\nA,B,C\n".encode(),
         "row 1: unknown column 'Số điện thoại'"),
        ("late.csv", "Phường A,Tổ 0\nPhường/xã,Tên tổ\nPhường A,Tổ 1\n".encode(),
         "row 2 is the header, but row 1 above it holds data"),
        ("binary.csv", b"ward,team\x00\x01", "not a CSV text file"),
    ],
)  # fmt: skip
def test_files_that_cannot_be_read_get_a_clear_message(
    env: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, message: str
) -> None:
    path = env / name
    path.write_bytes(content)
    assert main(["team", "import", str(path)]) == 1
    assert message in capsys.readouterr().err
    assert stored() == ([], [], [])


def test_too_many_rows_and_merged_cells_across_columns(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = env / "big.csv"
    lines = ["Phường/xã,Tên tổ"] + [f"Phường {i % 90},Tổ {i}" for i in range(10_000)]
    big.write_text("\n".join(lines), encoding="utf-8")
    assert main(["team", "import", str(big)]) == 1
    assert "row 5002: the list has 10000 rows, more than 5,000" in capsys.readouterr().err
    merged = xlsx(env / "merged.xlsx", [
        ["Phường/Xã", "Tên tổ", "Địa bàn"],
        ["Phường A", "Tổ 1", "TDP 1"],
        ["Phường A và tổ", None, "TDP 2"],
    ], merges=["A3:B3"])  # fmt: skip
    assert main(["team", "import", str(merged)]) == 1
    err = capsys.readouterr().err
    assert "row 3: the ward cell is merged with its neighbours; unmerge it" in err
    assert stored() == ([], [], [])


def test_wards_are_checked_against_the_2025_list_when_one_is_configured(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = env / "wards.yaml"
    reference.write_text("wards:\n  - Phường Hải Châu\n  - Phường Hòa Cường\n  - Xã Bà Nà\n")
    monkeypatch.setenv("BOT_WARD_LIST", str(reference))
    path = env / "list.csv"
    path.write_text(
        "Phường/xã,Tên tổ\nphuong hai chau,Tổ 1\nHòa Cường,Tổ 2\nPhường Thạch Thang,Tổ 3\n"
        "Phường Hòa Cuờng Bắc,Tổ 4\n",
        encoding="utf-8",
    )
    assert main(["team", "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "row 4: ward 'Phường Thạch Thang' is not in the 2025 list" in err
    assert "row 5: ward 'Phường Hòa Cuờng Bắc' is not in the 2025 list" in err
    assert "did you mean 'Phường Hòa Cường'?" in err
    assert stored() == ([], [], [])
    path.write_text("Phường/xã,Tên tổ\nphuong hai chau,Tổ 1\nHòa Cường,Tổ 2\n", encoding="utf-8")
    assert main(["team", "import", str(path)]) == 0
    assert stored()[0] == ["Phường Hải Châu", "Phường Hòa Cường"]  # the official spelling
    csv_list = env / "wards.csv"
    csv_list.write_text("name\nPhường Hải Châu\n", encoding="utf-8")
    monkeypatch.setenv("BOT_WARD_LIST", str(csv_list))
    assert main(["team", "import", str(path)]) == 1
    monkeypatch.setenv("BOT_WARD_LIST", str(env / "missing.yaml"))
    assert main(["team", "import", str(path)]) == 2  # a setting that names no file
