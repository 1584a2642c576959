"""Shared PDF machinery: embedded DejaVu fonts (æ, ø, å everywhere), Danish styles, and a page frame with
the child's name, masked CPR, 'Side x af y' and the print date on every page."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import SimpleDocTemplate

from behandlerklient import paths

FONT, FONT_BOLD, FONT_ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"
_registered = False


def register_fonts() -> None:
    """TrueType fonts are embedded (subset) in every PDF, so the text renders the same on any machine."""
    global _registered
    if _registered:
        return
    folder = paths.resources_dir() / "fonts"
    for name, file in ((FONT, "DejaVuSans.ttf"), (FONT_BOLD, "DejaVuSans-Bold.ttf"),
                       (FONT_ITALIC, "DejaVuSans-Oblique.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD)
    # reportlab falls back to Helvetica (a font that is never embedded) in canvases, tables and drawings.
    from reportlab import rl_config
    from reportlab.graphics.shapes import STATE_DEFAULTS

    rl_config.canvas_basefontname = FONT
    STATE_DEFAULTS["fontName"] = FONT
    _registered = True


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    head: ParagraphStyle  # an entry's heading line: never left alone at the foot of a page
    right: ParagraphStyle
    struck: ParagraphStyle


def styles() -> Styles:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, spaceAfter=3)
    return Styles(
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=colors.HexColor("#444444")),
        h1=ParagraphStyle("h1", parent=body, fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=8),
        h2=ParagraphStyle("h2", parent=body, fontName=FONT_BOLD, fontSize=11.5, leading=15, spaceBefore=10,
                          spaceAfter=4, textColor=colors.HexColor("#1f3a5f"), keepWithNext=1),
        h3=ParagraphStyle("h3", parent=body, fontName=FONT_BOLD, fontSize=9.5, leading=12.5, spaceBefore=6,
                          keepWithNext=1),
        head=ParagraphStyle("head", parent=body, spaceBefore=5, spaceAfter=1, keepWithNext=1),
        right=ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        struck=ParagraphStyle("struck", parent=body, textColor=colors.HexColor("#777777")),
    )


def esc(text: str) -> str:
    """Text for a Paragraph: markup characters escaped, line breaks kept."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


@dataclass(frozen=True)
class PageFrame:
    left: str  # e.g. "Journaludskrift: Åse Ærenlund, CPR 010316-xxxx"
    printed: datetime


def _numbered_canvas(frame: PageFrame | None) -> type[rl_canvas.Canvas]:
    class NumberedCanvas(rl_canvas.Canvas):
        """Draws the header and 'Side x af y' after all pages are known."""

        def __init__(self, *args, **kwargs) -> None:
            # Without this the page carries reportlab's default Helvetica, a font that is never embedded.
            kwargs.setdefault("initialFontName", FONT)
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab naming
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._frame(total)
                super().showPage()
            super().save()

        def _frame(self, total: int) -> None:
            width, height = A4
            self.setFont(FONT, 7.5)
            self.setFillColor(colors.HexColor("#555555"))
            if frame is not None:
                self.drawString(18 * mm, height - 11 * mm, frame.left)
                self.drawRightString(width - 18 * mm, height - 11 * mm, f"Udskrevet {frame.printed:%d.%m.%Y %H:%M}")
                self.setStrokeColor(colors.HexColor("#bbbbbb"))
                self.line(18 * mm, height - 12.5 * mm, width - 18 * mm, height - 12.5 * mm)
            self.drawRightString(width - 18 * mm, 10 * mm, f"Side {self._pageNumber} af {total}")

    return NumberedCanvas


def build_pdf(story: list, *, title: str, author: str, subject: str, frame: PageFrame | None,
              top_margin: float = 20 * mm, on_first_page: Callable | None = None) -> bytes:
    """The PDF as bytes, with title, author and creation date in its metadata; nothing touches the disk."""
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=top_margin,
                            bottomMargin=18 * mm, title=title, author=author, subject=subject,
                            creator="Behandlerklient", producer="Behandlerklient (reportlab)", lang="da-DK")
    kwargs = {"canvasmaker": _numbered_canvas(frame)}
    if on_first_page:
        kwargs["onFirstPage"] = on_first_page
    doc.build(story, **kwargs)
    return buffer.getvalue()


def write_file(data: bytes, target: Path) -> None:
    """Written only where the user asked; a failure leaves no half-written file behind."""
    import os

    from behandlerklient.core.errors import StorageFull, StorageUnwritable

    tmp = target.with_name(f".{target.name}.tmp")
    try:
        # Readable by its owner only, whatever the umask: a letter or journal carries a name and CPR, the
        # recovery sheet the key to everything. The user can share it deliberately; nothing else can read it.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            if os.name == "posix":
                os.fchmod(fh.fileno(), 0o600)
            fh.write(data)
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if exc.errno == 28:
            raise StorageFull(f"Disken er fuld; {target.name} blev ikke skrevet.") from None
        raise StorageUnwritable(f"Filen kan ikke skrives: {target} ({exc.strerror}).") from None
