"""Letters to the child's GP: municipality-editable templates with named placeholders, laid out as a Danish letter."""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from behandlerklient.core import identifiers, limits
from behandlerklient.core.errors import InvalidInput
from behandlerklient.exports.pdf_base import PageFrame, build_pdf, esc, styles

PLACEHOLDERS = {
    "start": {"barn_navn", "barn_cpr", "dato", "henvendelse_dato", "udfald", "spor", "forloeb_start",
              "planlagte_sessioner", "manual_interval", "behandler_navn", "behandler_titel", "behandler_telefon",
              "kommune", "afdeling"},
    "end": {"barn_navn", "barn_cpr", "dato", "spor", "forloeb_start", "forloeb_slut", "sessioner_gennemfoert",
            "planlagte_sessioner", "manual_interval", "indhold", "effekt", "sdq_foer_efter", "anbefalinger",
            "videre_behov", "behandler_navn", "behandler_titel", "behandler_telefon", "kommune", "afdeling"},
    "guided": {"barn_navn", "barn_cpr", "dato", "henvendelse_dato", "udfald", "begrundelse", "behandler_navn",
               "behandler_titel", "behandler_telefon", "kommune", "afdeling"},
}
TEMPLATE_FILES = {"start": "orientering.toml", "end": "tilbagemelding.toml", "guided": "orientering-vejledt.toml"}
SENDER_FIELDS = ("kommune", "afdeling", "adresse", "postnr_by", "telefon", "email", "sor", "ean")
MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december")


def danish_date(day: date) -> str:
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Template:
    kind: str
    title: str
    body: str
    source: str

    def fill(self, values: dict[str, str]) -> str:
        # Plain substitution of the checked placeholders, not str.format: no format spec can reach the values,
        # so filling never fails with a child's name or CPR number in the error.
        out = []
        for literal, name, _spec, _conv in _parse(self.body.strip(), self.source):
            out.append(literal)
            if name is not None:
                out.append(str(values.get(name, "")))
        return "".join(out)


def _parse(text: str, file: str) -> list[tuple[str, str | None, str | None, str | None]]:
    try:
        return list(string.Formatter().parse(text))
    except ValueError as exc:
        raise InvalidInput(f"Brevskabelonen {file} har en ugyldig klamme: {exc}.") from None


def _placeholders(text: str, file: str) -> set[str]:
    """The names used; only plain {navn}: a format spec ({navn:>40}, {udfald:{barn_navn}}) or a conversion
    ({navn!r}) could pad, cut or fail on the values and is refused, naming the placeholder."""
    names = set()
    for _lit, name, spec, conv in _parse(text, file):
        if name is None:
            continue
        if spec or conv:
            raise InvalidInput(f"Brevskabelonen {file} bruger {{{name}{'!' + conv if conv else ''}:…}}: kun "
                               f"pladsholdere som {{{name}}} er tilladt, uden formatering, bredde eller "
                               f"indlejrede pladsholdere.")
        names.add(name)
    return names


def _read_toml(path: Path, what: str) -> dict:
    size = path.stat().st_size
    if size > limits.TEMPLATE_MAX_BYTES:
        raise InvalidInput(f"{what} er for stor ({size // 1024} KiB; højst {limits.TEMPLATE_MAX_BYTES // 1024} KiB).")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{what} kan ikke læses: {exc}.") from None


def load_template(kind: str, folders: list[Path]) -> Template:
    """The municipality's own file wins over the shipped one; every placeholder must be a known name."""
    name = TEMPLATE_FILES[kind]
    path = next((f / name for f in folders if (f / name).is_file()), None)
    if path is None:
        raise InvalidInput(f"Brevskabelonen {name} findes ikke.")
    data = _read_toml(path, f"Brevskabelonen {path.name}")
    title, body = data.get("title"), data.get("body")
    if not isinstance(title, str) or not isinstance(body, str) or not body.strip():
        raise InvalidInput(f"Brevskabelonen {path.name} skal have 'title' og 'body'.")
    used = _placeholders(body, path.name) | _placeholders(title, path.name)
    if "" in used:
        raise InvalidInput(f"Brevskabelonen {path.name} har en tom pladsholder {{}}; skriv navnet.")
    unknown = sorted(used - PLACEHOLDERS[kind])
    if unknown:
        raise InvalidInput(f"Brevskabelonen {path.name} bruger ukendt pladsholder {{{unknown[0]}}}. "
                           f"Tilladte: {', '.join(sorted(PLACEHOLDERS[kind]))}.")
    return Template(kind, title, body, str(path))


def load_sender(folders: list[Path]) -> dict[str, str]:
    """The sender details; its SOR-id and EAN/GLN are checked as dk-core states them where they are entered.
    `eksempel` is "ja" while the file says it is the shipped example (no MedCom file may name that sender)."""
    path = next((f / "afsender.toml" for f in folders if (f / "afsender.toml").is_file()), None)
    if path is None:
        raise InvalidInput("Afsenderoplysningerne (afsender.toml) findes ikke.")
    data = _read_toml(path, path.name)
    missing = [f for f in SENDER_FIELDS if not str(data.get(f, "")).strip()]
    if missing:
        raise InvalidInput(f"{path.name} mangler {', '.join(missing)}.")
    sender = {f: str(data[f]).strip() for f in SENDER_FIELDS}
    wrong = identifiers.number_problems(sor=sender["sor"], ean=sender["ean"], who=f"{path} (sor/ean)")
    if wrong:
        raise InvalidInput(" ".join(wrong))
    sender["eksempel"] = "ja" if data.get("eksempel") is True else ""
    sender["fil"] = str(path)
    return sender


@dataclass(frozen=True)
class Letter:
    kind: str
    title: str
    text: str  # the filled body
    sender: dict[str, str]
    recipient_lines: list[str]
    child_name: str
    child_cpr: str
    child_cpr_masked: str
    letter_date: date
    therapist_name: str
    therapist_title: str
    therapist_phone: str
    printed_at: datetime


def render(letter: Letter) -> bytes:
    st = styles()
    s = letter.sender
    letterhead = Paragraph(f"<b>{esc(s['kommune'])}</b><br/>{esc(s['afdeling'])}<br/>{esc(s['adresse'])}<br/>"
                           f"{esc(s['postnr_by'])}<br/>Tlf. {esc(s['telefon'])}<br/>{esc(s['email'])}", st.small)
    dated = Paragraph(f"Dato: {danish_date(letter.letter_date)}", st.right)
    head = Table([[letterhead, dated]], colWidths=[110 * mm, 64 * mm], hAlign="LEFT")
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    recipient = Paragraph("<br/>".join(esc(line) for line in letter.recipient_lines), st.body)
    story = [head, Spacer(1, 14 * mm), recipient, Spacer(1, 12 * mm),
             Paragraph(f"<b>Vedr.: {esc(letter.child_name)}, CPR {esc(letter.child_cpr)}</b>", st.body),
             Spacer(1, 3), Paragraph(esc(letter.title), st.h2)]
    for part in letter.text.split("\n\n"):
        if part.strip():
            story.append(Paragraph(esc(part.strip()).replace("\n", "<br/>"), st.body))
            story.append(Spacer(1, 3))
    story += [Spacer(1, 6), Paragraph("Med venlig hilsen", st.body), Spacer(1, 8),
              Paragraph(f"{esc(letter.therapist_name)}<br/>{esc(letter.therapist_title)}<br/>"
                        f"Tlf. {esc(letter.therapist_phone or s['telefon'])}", st.body),
              Spacer(1, 10), Paragraph("Fortroligt: brevet indeholder helbredsoplysninger.", st.small)]
    frame = PageFrame(left=f"{letter.title}: {letter.child_name}, CPR {letter.child_cpr_masked}",
                      printed=letter.printed_at)
    # The metadata travels with the file (file managers and mail clients show it): no name or CPR there.
    return build_pdf(story, title=letter.title, author=letter.therapist_name,
                     subject=f"Brev til egen læge fra {s['kommune']}", frame=frame)
