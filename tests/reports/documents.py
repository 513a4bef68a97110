"""Reading generated reports back: DOCX paragraphs and tables (python-docx), XLSX cells (openpyxl)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocumentObject
from docx.table import Table
from docx.text.paragraph import Paragraph
from openpyxl import load_workbook
from openpyxl.workbook import Workbook


@dataclass
class Docx:
    """A DOCX report opened with python-docx."""

    document: DocumentObject

    @classmethod
    def load(cls, content: bytes) -> Docx:
        return cls(Document(io.BytesIO(content)))

    @property
    def header(self) -> Table:
        return self.document.tables[0]

    @property
    def closing(self) -> Table:
        return self.document.tables[-1]

    def body(self) -> list[Paragraph]:
        """Return the paragraphs outside tables, in order."""
        return list(self.document.paragraphs)

    def lines(self) -> list[str]:
        """Return every non-empty paragraph text outside tables."""
        return [p.text for p in self.body() if p.text.strip()]

    def all_paragraphs(self) -> list[Paragraph]:
        """Return every paragraph, in tables too."""
        found = list(self.document.paragraphs)
        for table in self.document.tables:
            for row in table.rows:
                for cell in row.cells:
                    found += cell.paragraphs
        return found

    def cell_lines(self, table: Table, row: int, column: int) -> list[str]:
        return [p.text for p in table.rows[row].cells[column].paragraphs if p.text.strip()]

    def section_headings(self) -> list[str]:
        """Return the Roman-numbered section headings."""
        numerals = ("I. ", "II. ", "III. ", "IV. ", "V. ", "VI. ")
        return [line for line in self.lines() if line.startswith(numerals)]

    def between(self, first: str, last: str | None) -> list[str]:
        """Return the lines after the line starting with `first`, up to the one starting `last`."""
        lines = self.lines()
        start = next(i for i, line in enumerate(lines) if line.startswith(first))
        end = next(
            (i for i, text in enumerate(lines) if last and text.startswith(last)), len(lines)
        )
        return lines[start + 1 : end]


def workbook(content: bytes) -> Workbook:
    """Open an XLSX report."""
    return load_workbook(io.BytesIO(content))


def sheet_values(book: Workbook, index: int = 0) -> list[object]:
    """Return every non-empty cell value of a sheet, row by row."""
    sheet = book.worksheets[index]
    return [c for row in sheet.iter_rows(values_only=True) for c in row if c not in (None, "")]
