"""Printable leader invite sheets: one A4 page per team with a QR code of its Telegram link."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.i18n import Catalog


@dataclass(frozen=True)
class SheetEntry:
    """What one team's page shows."""

    ward: str
    team: str
    code: str  # as typed: grouped (ABCD-EFGH-JKMN)
    link: str  # the Telegram deep link the QR code holds
    expires_at: datetime
    leader: str = ""


def qr_png(data: str, *, box_size: int = 10) -> bytes:
    """Return a PNG of a QR code (error correction M, a quiet zone of 4 modules)."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(data)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return buffer.getvalue()


def render_docx(
    entries: Sequence[SheetEntry], catalog: Catalog, *, tz: ZoneInfo, bot_username: str
) -> bytes:
    """Return a DOCX with one page per entry, texts in the catalog's language."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    for margin in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, margin, Cm(2))
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(13)
    center = WD_ALIGN_PARAGRAPH.CENTER
    for index, entry in enumerate(entries):
        if index:
            document.add_page_break()  # type: ignore[no-untyped-call]
        title = document.add_paragraph()
        title.alignment = center
        run = title.add_run(catalog.text("sheet.title"))
        run.bold, run.font.size = True, Pt(18)
        for key, params in (
            ("sheet.ward", {"ward": entry.ward}),
            ("sheet.team", {"team": entry.team}),
        ):
            line = document.add_paragraph()
            line.alignment = center
            line.add_run(catalog.text(key, **params)).font.size = Pt(16)
        if entry.leader:
            line = document.add_paragraph(catalog.text("sheet.for", name=entry.leader))
            line.alignment = center
        picture = document.add_paragraph()
        picture.alignment = center
        picture.add_run().add_picture(io.BytesIO(qr_png(entry.link)), width=Cm(7))
        code = document.add_paragraph()
        code.alignment = center
        run = code.add_run(catalog.text("sheet.code", code=entry.code))
        run.bold, run.font.size, run.font.name = True, Pt(22), "Courier New"
        local = entry.expires_at.astimezone(tz)
        expiry = document.add_paragraph(
            catalog.text(
                "sheet.expires", time=local.strftime("%H:%M"), date=local.strftime("%d/%m/%Y")
            )
        )
        expiry.alignment = center
        steps = document.add_paragraph()
        steps.add_run(catalog.text("sheet.steps")).bold = True
        for key in ("sheet.step1", "sheet.step2", "sheet.step3"):
            document.add_paragraph(catalog.text(key, code=entry.code))
        if bot_username:
            footer = document.add_paragraph(catalog.text("sheet.bot", username=bot_username))
            footer.alignment = center
            footer.runs[0].font.size = Pt(11)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
