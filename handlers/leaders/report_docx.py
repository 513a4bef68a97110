"""The monthly report as a DOCX administrative document laid out by Nghị định 30/2020/NĐ-CP.

A4 portrait, margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman throughout:
issuer lines and number 13 pt, Quốc hiệu 12 pt, Tiêu ngữ, date, title, body and signer 14 pt,
tables 13 pt,
"Nơi nhận:" 12 pt and its list 11 pt (the sizes the Decree gives for each part).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from itertools import pairwise

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from handlers.common import decimal
from handlers.leaders.report_content import Block, Content, Remark, Sub, Table, whole

FONT = "Times New Roman"
BODY_PT, HEADER_PT, TABLE_PT = 14, 13, 13
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_WIDTH_MM = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]
LEFT_MM, RIGHT_MM = 62, TEXT_WIDTH_MM - 62
"""The header's two columns: issuer and number left, Quốc hiệu (one line at 12 pt) right."""
COLUMN_MM = {"no": 14, "int": 25, "hours": 18, "ratio": 22, "fraction": 22}
Container = _Cell | object


def _font(run_font: object, *, size: float, bold: bool = False, italic: bool = False) -> None:
    font = run_font
    font.name = FONT  # type: ignore[attr-defined]
    font.size = Pt(size)  # type: ignore[attr-defined]
    font.bold = bold  # type: ignore[attr-defined]
    font.italic = italic  # type: ignore[attr-defined]


def _east_asian(style_font_element: object) -> None:
    """Name the font for every script, so Word does not fall back for some characters."""
    fonts = style_font_element.get_or_add_rFonts()  # type: ignore[attr-defined]
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _para(
    where: object,
    text: str,
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = False,
    before: float = 0,
    after: float = 3,
) -> Paragraph:
    paragraph: Paragraph = where.add_paragraph()  # type: ignore[attr-defined]
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = 1.1
    if indent:
        fmt.first_line_indent = Mm(10)
    if text:
        run = paragraph.add_run(text)
        _font(run.font, size=size, bold=bold, italic=italic)
        _east_asian(run._r.get_or_add_rPr())
    return paragraph


def _rule(where: object, *, width_mm: float, box_mm: float, after: float = 2) -> None:
    """Draw a short centred solid line (a bottom border on an empty, tiny paragraph)."""
    paragraph = _para(where, "", size=2, align=WD_ALIGN_PARAGRAPH.CENTER, after=after)
    side = max((box_mm - width_mm) / 2, 0)
    paragraph.paragraph_format.left_indent = Mm(side)
    paragraph.paragraph_format.right_indent = Mm(side)
    paragraph.paragraph_format.line_spacing = Pt(2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (
        ("w:val", "single"),
        ("w:sz", "6"),
        ("w:space", "1"),
        ("w:color", "000000"),
    ):
        bottom.set(qn(name), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _first_paragraph(cell: _Cell) -> _Cell:
    """Remove the empty paragraph a new cell starts with, so text starts at its top."""
    for paragraph in list(cell.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    return cell


def _widths(table: object, widths_mm: Sequence[float]) -> None:
    """Fix a table's column widths (the grid LibreOffice reads and every cell Word reads)."""
    table.autofit = False  # type: ignore[attr-defined]
    for column, width in zip(table.columns, widths_mm, strict=True):  # type: ignore[attr-defined]
        column.width = Mm(width)
    for row in table.rows:  # type: ignore[attr-defined]
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _no_borders_table(document: object, widths_mm: tuple[float, ...], rows: int = 1) -> object:
    table = document.add_table(rows=rows, cols=len(widths_mm))  # type: ignore[attr-defined]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, widths_mm)
    for row in table.rows:
        for cell in row.cells:
            _first_paragraph(cell)
    return table


def _column_widths(kinds: Sequence[str]) -> list[float]:
    """Return column widths: fixed for numbers, the rest of the text width shared by text."""
    fixed = sum(COLUMN_MM.get(k, 0) for k in kinds)
    texts = sum(1 for k in kinds if k not in COLUMN_MM)
    spare = max(TEXT_WIDTH_MM - fixed, 30 * texts) / max(texts, 1)
    return [COLUMN_MM.get(k, spare) for k in kinds]


def _header(document: object, c: Content) -> None:
    table = _no_borders_table(document, (LEFT_MM, RIGHT_MM), rows=2)
    left, right = table.rows[0].cells  # type: ignore[attr-defined]
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(left, c.authority, size=HEADER_PT, bold=c.issuer_is_authority, align=center, after=0)
    _para(left, c.issuer, size=HEADER_PT, bold=True, align=center, after=0)
    _rule(left, width_mm=LEFT_MM * 0.4, box_mm=LEFT_MM)
    _para(right, c.motto[0], size=12, bold=True, align=center, after=0)
    _para(right, c.motto[1], size=BODY_PT, bold=True, align=center, after=0)
    _rule(right, width_mm=63, box_mm=RIGHT_MM)
    number, dated = table.rows[1].cells  # type: ignore[attr-defined]
    _para(number, c.number, size=HEADER_PT, align=center, before=4)
    _para(dated, c.dated, size=BODY_PT, italic=True, align=center, before=4)


def _cell_text(value: object, kind: str, lang: str) -> str:
    if isinstance(value, str):
        return value
    if kind == "ratio" and isinstance(value, float):
        return decimal(value * 100, lang) + "%"
    if kind == "hours" and isinstance(value, float):
        text = f"{value:,.1f}"
        return text.replace(",", " ").replace(".", ",").replace(" ", ".") if lang == "vi" else text
    if isinstance(value, int):
        return whole(value, lang)
    return str(value)


def _table(document: object, table: Table, lang: str) -> None:
    grid = document.add_table(rows=1, cols=len(table.header))  # type: ignore[attr-defined]
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    center = WD_ALIGN_PARAGRAPH.CENTER
    for cell, title in zip(grid.rows[0].cells, table.header, strict=True):
        _first_paragraph(cell)
        _para(cell, title, size=TABLE_PT, bold=True, align=center, after=0)
    _repeat_header(grid.rows[0])
    for index, values in enumerate(table.rows):
        bold = table.total and index == len(table.rows) - 1
        cells = grid.add_row().cells
        for cell, value, kind in zip(cells, values, table.kinds, strict=True):
            _first_paragraph(cell)
            align = WD_ALIGN_PARAGRAPH.LEFT if kind == "text" else center
            _para(
                cell, _cell_text(value, kind, lang), size=TABLE_PT, bold=bold, align=align, after=0
            )
    _widths(grid, _column_widths(table.kinds))
    _para(document, "", size=6, after=0)


def _repeat_header(row: object) -> None:
    """Mark a table's first row as a header row repeated on every page."""
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)


def _body(document: object, c: Content, lang: str) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(document, c.title, bold=True, align=center, before=12, after=0)
    _para(document, c.summary, bold=True, align=center, after=0)
    _rule(document, width_mm=40, box_mm=TEXT_WIDTH_MM, after=4)
    _para(document, c.period, italic=True, align=center, after=0)
    _para(document, c.intro, indent=True, before=6)
    for section in c.sections:
        heading = _para(document, section.heading, bold=True, indent=True, before=6)
        heading.paragraph_format.keep_with_next = True
        blocks: list[Block | None] = [*section.blocks, None]
        for block, following in pairwise(blocks):
            if isinstance(block, Table):
                _table(document, block, lang)
                continue
            assert block is not None
            if isinstance(block, Sub):
                paragraph = _para(document, block.text, bold=True, indent=True, before=3)
            elif isinstance(block, Remark):
                paragraph = _para(document, block.text, italic=True, indent=True)
            else:
                paragraph = _para(document, block, indent=True)
            # a heading or a table's lead-in line never ends a page alone
            paragraph.paragraph_format.keep_with_next = isinstance(block, Sub) or isinstance(
                following, Table
            )


def _closing(document: object, c: Content) -> None:
    table = _no_borders_table(document, (LEFT_MM + 10, RIGHT_MM - 10))
    left, right = table.rows[0].cells  # type: ignore[attr-defined]
    left_align, center = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER
    _para(
        left,
        c.recipients_title,
        size=12,
        bold=True,
        italic=True,
        align=left_align,
        before=12,
        after=0,
    )
    for line in c.recipients:
        _para(left, line, size=11, align=left_align, after=0)
    for index, line in enumerate(c.signer):
        _para(right, line, bold=True, align=center, before=12 if index == 0 else 0, after=0)
    for _ in range(4):
        _para(right, "", align=center, after=0)
    _para(right, c.signer_name, bold=True, align=center, after=0)


def report_docx(content: Content, lang: str) -> bytes:
    """Return the report as DOCX bytes."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _east_asian(normal.element.get_or_add_rPr())
    document.core_properties.title = f"{content.title} {content.summary}"
    document.core_properties.author = content.issuer
    _header(document, content)
    _body(document, content, lang)
    _closing(document, content)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
