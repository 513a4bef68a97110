"""A city's list of teams read from a spreadsheet (XLSX or CSV) and checked row by row.

One row per team: ward or commune, team name, areas (comma-separated), optionally the
leader's name. Headers are recognised in Vietnamese and English, with or without diacritics,
and may sit below a few title rows. Every row is checked before anything is stored; a problem
names its row number (as the spreadsheet shows it) and the reason, in English for the admin
at the terminal. Text that starts like a formula (`=`, `+`…) is kept as text; a real XLSX
formula cell is refused (paste values instead), because its value is not in the file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from domain.text import fold, nfc

MAX_ROWS = 5_000
"""Rows of teams in one file (Da Nang has about 3,800): a bigger file is split by ward."""
MAX_BYTES = 20_000_000
HEADER_SEARCH_ROWS = 10
NAME_LIMIT = 200

COLUMNS: dict[str, tuple[str, ...]] = {
    "ward": (
        "phường/xã", "phường xã", "phường, xã", "xã/phường", "xã, phường", "phường", "xã",
        "đơn vị hành chính", "đơn vị", "cấp xã", "phường/xã/đặc khu", "ward", "commune",
        "ward/commune", "ward or commune",
    ),
    "team": (
        "tên tổ", "tổ", "tổ công nghệ số", "tổ công nghệ số cộng đồng", "tên tổ công nghệ số",
        "team", "team name", "name",
    ),
    "areas": (
        "địa bàn", "khu vực", "thôn/tổ dân phố", "thôn, tổ dân phố", "thôn", "tổ dân phố",
        "địa bàn phụ trách", "areas", "area", "covers",
    ),
    "leader": ("tổ trưởng", "họ tên tổ trưởng", "tên tổ trưởng", "leader", "leader name"),
    "ignored": ("stt", "số thứ tự", "tt", "no", "no.", "#", "ghi chú", "note", "notes"),
}  # fmt: skip
REQUIRED = ("ward", "team")
_HEADER_KEYS = {fold(name): column for column, names in COLUMNS.items() for name in names}


class ListError(ValueError):
    """The file as a whole cannot be read (not a spreadsheet, empty, no header…)."""


@dataclass(frozen=True)
class TeamRow:
    """One team of the list, cleaned: NFC, single spaces, areas split and de-duplicated."""

    row: int
    ward: str
    team: str
    areas: tuple[str, ...] = ()
    leader: str = ""


@dataclass(frozen=True)
class RowProblem:
    """A row that cannot be imported, and why."""

    row: int
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.reason}"


@dataclass
class TeamList:
    """The rows of a list and the problems found in them (nothing is stored when any)."""

    rows: list[TeamRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


@dataclass(frozen=True)
class Cell:
    """A cell as read: its text, and whether it was a formula or part of a merged range."""

    text: str
    formula: bool = False
    merged_across: bool = False


def clean(text: str) -> str:
    """Return a name as stored: NFC, without control characters, single spaces, trimmed."""
    kept = "".join(ch if ch.isprintable() else " " for ch in nfc(text))
    return " ".join(kept.split())


def read_table(path: Path) -> list[list[Cell]]:
    """Read the first sheet of an XLSX file or a CSV file as rows of cells; raise ListError."""
    if not path.is_file():
        raise ListError(f"{path} is not a file")
    size = path.stat().st_size
    if size == 0:
        raise ListError(f"{path.name} is empty")
    if size > MAX_BYTES:
        raise ListError(f"{path.name} is larger than {MAX_BYTES // 1_000_000} MB")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return _read_csv(path.read_bytes())
    raise ListError(f"{path.name}: give an .xlsx or .csv file (an .xls file: save it as .xlsx)")


def _read_csv(data: bytes) -> list[list[Cell]]:
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1258 decodes almost any byte string
        raise ListError("the CSV file is neither UTF-8 nor Windows-1258 text")
    if "\x00" in text:
        raise ListError("this is not a CSV text file (it holds binary data)")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    return [[Cell(value) for value in row] for row in reader]


def _read_xlsx(path: Path) -> list[list[Cell]]:
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(path):
        raise ListError(f"{path.name} is not an Excel workbook (.xlsx)")
    try:
        book = load_workbook(path, read_only=False, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ListError(f"{path.name} cannot be read as an Excel workbook ({exc})") from None
    sheet = book.worksheets[0]
    across: set[tuple[int, int]] = set()
    filled: dict[tuple[int, int], object] = {}
    for merged in sheet.merged_cells.ranges:
        top = sheet.cell(merged.min_row, merged.min_col).value
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if merged.min_col != merged.max_col:
                    across.add((r, c))
                else:  # a ward merged down over its teams: every row gets its value
                    filled[(r, c)] = top
    table: list[list[Cell]] = []
    for r, row in enumerate(sheet.iter_rows(), start=1):
        cells: list[Cell] = []
        for c, cell in enumerate(row, start=1):
            value = filled.get((r, c), cell.value)
            formula = cell.data_type == "f"
            text = "" if value is None else _text(value)
            cells.append(Cell(text, formula=formula, merged_across=(r, c) in across))
        table.append(cells)
        if len(table) > MAX_ROWS + HEADER_SEARCH_ROWS + 1:
            break
    book.close()
    return table


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse(table: Sequence[Sequence[Cell]]) -> TeamList:
    """Find the header, then read and check every row; raise ListError for the whole file."""
    rows = [list(row) for row in table]
    while rows and not any(cell.text.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise ListError("the file has no rows")
    header_at, columns = _find_header(rows)
    data = rows[header_at + 1 :]
    if len(data) > MAX_ROWS:
        raise ListError(
            f"row {header_at + 2 + MAX_ROWS}: the list has {len(data)} rows, more than "
            f"{MAX_ROWS:,} in one file; split it (e.g. one file per ward) and import each"
        )
    found = TeamList()
    seen: dict[tuple[str, str], int] = {}
    for offset, cells in enumerate(data):
        number = header_at + 2 + offset
        if not any(cell.text.strip() for cell in cells):
            continue
        row, problems = _read_row(number, cells, columns)
        found.problems += problems
        if row is None:
            continue
        key = (fold(row.ward), fold(row.team))
        if key in seen:
            found.problems.append(
                RowProblem(
                    number, f"team {row.team!r} of {row.ward!r} is already on row {seen[key]}"
                )
            )
            continue
        seen[key] = number
        found.rows.append(row)
    if not found.rows and not found.problems:
        raise ListError(f"the list has a header (row {header_at + 1}) but no teams below it")
    return found


def _find_header(rows: list[list[Cell]]) -> tuple[int, dict[int, str]]:
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = {c: _HEADER_KEYS.get(fold(cell.text)) for c, cell in enumerate(cells)}
        known = {c: name for c, name in columns.items() if name}
        if not all(name in known.values() for name in REQUIRED):
            continue
        unknown = [
            cells[c].text for c, name in columns.items() if not name and cells[c].text.strip()
        ]
        if unknown:
            raise ListError(
                f"row {index + 1}: unknown column {unknown[0]!r}; the columns are "
                "ward/commune (phường/xã), team (tên tổ), areas (địa bàn), leader (tổ trưởng)"
            )
        above = [r + 1 for r in range(index) if sum(1 for c in rows[r] if c.text.strip()) > 1]
        if above:
            raise ListError(
                f"row {index + 1} is the header, but row {above[0]} above it holds data; "
                "the header must be the first row (title lines of one cell may sit above it)"
            )
        return index, known
    raise ListError(
        f"no header row in the first {HEADER_SEARCH_ROWS} rows; the first row must name the "
        "columns: phường/xã (ward), tên tổ (team), địa bàn (areas), tổ trưởng (leader)"
    )


def _read_row(
    number: int, cells: list[Cell], columns: dict[int, str]
) -> tuple[TeamRow | None, list[RowProblem]]:
    values: dict[str, str] = {}
    problems: list[RowProblem] = []
    for c, name in columns.items():
        if name == "ignored":
            continue
        cell = cells[c] if c < len(cells) else Cell("")
        if cell.formula:
            problems.append(RowProblem(number, f"the {name} cell is a formula; paste values only"))
        elif cell.merged_across:
            problems.append(
                RowProblem(number, f"the {name} cell is merged with its neighbours; unmerge it")
            )
        values[name] = clean(cell.text)
    extra = [cell.text for c, cell in enumerate(cells) if c not in columns and cell.text.strip()]
    if extra:
        problems.append(RowProblem(number, f"a value outside the named columns: {extra[0]!r}"))
    for name in REQUIRED:
        if not values.get(name):
            label = "team name" if name == "team" else "ward or commune"
            problems.append(RowProblem(number, f"empty {label}"))
    for name, value in values.items():
        if len(value) > NAME_LIMIT and name != "areas":
            problems.append(
                RowProblem(number, f"the {name} is longer than {NAME_LIMIT} characters")
            )
    areas = _areas(values.get("areas", ""))
    if any(len(a) > NAME_LIMIT for a in areas):
        problems.append(RowProblem(number, f"an area is longer than {NAME_LIMIT} characters"))
    if problems:
        return None, problems
    row = TeamRow(number, values["ward"], values["team"], areas, values.get("leader", ""))
    return row, []


def _areas(text: str) -> tuple[str, ...]:
    parts = (clean(part) for part in text.replace(";", ",").replace("\n", ",").split(","))
    return tuple(dict.fromkeys(part for part in parts if part))


@dataclass(frozen=True)
class WardList:
    """The official names of wards and communes (the 2025 list), matched without diacritics."""

    names: tuple[str, ...]

    @classmethod
    def load(cls, path: Path) -> WardList:
        """Read a list: YAML (a list of names, or {wards: [...]}) or CSV/text (first column)."""
        if not path.is_file():
            raise ListError(f"the ward list {path} is not a file")
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            loaded = yaml.safe_load(text)
            items = loaded.get("wards", []) if isinstance(loaded, dict) else loaded
            if not isinstance(items, list):
                raise ListError(f"{path.name}: expected a list of ward names")
            names = [clean(str(item)) for item in items]
        else:
            names = [clean(row[0]) for row in csv.reader(io.StringIO(text)) if row]
            names = [
                n for n in names if n and not n.startswith("#") and fold(n) not in _HEADER_KEYS
            ]
        if not names:
            raise ListError(f"the ward list {path.name} is empty")
        return cls(tuple(dict.fromkeys(names)))

    def match(self, typed: str) -> str | None:
        """Return the official name a typed ward name means (any case, with or without accents)."""
        wanted = _bare(typed)
        return next((name for name in self.names if _bare(name) == wanted), None)

    def nearest(self, typed: str) -> str | None:
        """Return the closest official name, to suggest it."""
        from rapidfuzz import process

        found = process.extractOne(_bare(typed), {n: _bare(n) for n in self.names})
        return found[2] if found else None


def _bare(name: str) -> str:
    folded = fold(name)
    for prefix in ("phuong ", "xa ", "dac khu ", "p. ", "p.", "x. "):
        if folded.startswith(prefix):
            return folded[len(prefix) :].strip()
    return folded


def check_wards(found: TeamList, wards: WardList) -> None:
    """Replace ward names by their official spelling; a name not on the list is a problem."""
    kept: list[TeamRow] = []
    for row in found.rows:
        official = wards.match(row.ward)
        if official is None:
            hint = wards.nearest(row.ward)
            more = f" (did you mean {hint!r}?)" if hint else ""
            found.problems.append(
                RowProblem(row.row, f"ward {row.ward!r} is not in the 2025 list{more}")
            )
            continue
        kept.append(TeamRow(row.row, official, row.team, row.areas, row.leader))
    found.rows = kept
    found.problems.sort(key=lambda p: p.row)


def read_list(path: Path, wards: WardList | None = None) -> TeamList:
    """Read and check a list file; raise ListError when the file as a whole is unusable."""
    found = parse(read_table(path))
    if wards is not None:
        check_wards(found, wards)
    return found


def problems_text(problems: Iterable[RowProblem], *, limit: int = 50) -> list[str]:
    """Return the problems as lines, at most `limit` of them and a count of the rest."""
    listed = list(problems)
    lines = [str(p) for p in listed[:limit]]
    if len(listed) > limit:
        lines.append(f"... and {len(listed) - limit} more")
    return lines
