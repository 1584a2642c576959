"""The recovery-key sheet: printed once, kept locked away by the municipality."""

from __future__ import annotations

from datetime import datetime

from reportlab.platypus import Paragraph, Spacer

from behandlerklient.exports.pdf_base import build_pdf, esc, styles


def render(*, code: str, municipality: str, database_name: str, created_by: str, created_at: datetime) -> bytes:
    st = styles()
    story = [Paragraph("Gendannelsesnøgle til Behandlerklient", st.h1),
             Paragraph(f"{esc(municipality)} · database: {esc(database_name)}", st.h3), Spacer(1, 12),
             Paragraph("Nøglen kan nulstille en glemt adgangskode. Den giver adgang til alle journaler i databasen. "
                       "Opbevar arket aflåst, adskilt fra computeren, og del det aldrig elektronisk.", st.body),
             Spacer(1, 18), Paragraph(f"<font size=20>{esc(code)}</font>", st.h2), Spacer(1, 18),
             Paragraph(f"Lavet af {esc(created_by)} den {created_at:%d.%m.%Y %H:%M}. En ny nøgle gør denne ugyldig.",
                       st.small),
             Spacer(1, 10), Paragraph("Brug: behandlerklient recovery reset --db DATABASE --user BRUGERNAVN", st.small)]
    return build_pdf(story, title="Gendannelsesnøgle", author=created_by, subject="Behandlerklient", frame=None)
