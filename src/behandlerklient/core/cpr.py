"""Danish CPR numbers: parsing, century rules, sex, modulus-11 (a warning only) and masking."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from behandlerklient.core.ages import age_on
from behandlerklient.core.errors import ValidationError

_MOD11_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
# The offer is for 5-17-year-olds, and a course begun at 17 may run past 18; older than this is a mistyped number
# (most often the 7th digit, which sets the century).
MAX_PLAUSIBLE_AGE = 25
# DDMMYY, optional hyphen, four characters; replacement numbers (eCPR) may carry letters in the last part.
_PATTERN = re.compile(r"^(\d{2})(\d{2})(\d{2})-?([0-9A-Za-z]{4})$", re.ASCII)  # ASCII: "٠١" are digits too


@dataclass(frozen=True)
class Cpr:
    """A syntactically valid CPR number with the facts it encodes."""

    digits: str  # ten characters, no hyphen
    birth_date: date
    sex: str  # "M" or "F"; "" when a replacement number's last character is not a digit
    mod11_ok: bool
    replacement: bool

    @property
    def formatted(self) -> str:
        return f"{self.digits[:6]}-{self.digits[6:]}"

    @property
    def masked(self) -> str:
        return mask(self.digits)

    @property
    def warnings(self) -> list[str]:
        if self.replacement:
            return ["Erstatningsnummer (indeholder bogstaver)."]
        if not self.mod11_ok:
            return [
                "CPR-nummeret opfylder ikke modulus 11-kontrollen. Det kan være korrekt "
                "(numre udstedt siden 2007); kontrollér det mod sundhedskortet."
            ]
        return []


def century_year(yy: int, seventh: int) -> int:
    """Full birth year from the two-digit year and the 7th digit (CPR-kontoret's table)."""
    if seventh <= 3:
        return 1900 + yy
    if seventh in (4, 9):
        return 2000 + yy if yy <= 36 else 1900 + yy
    return 2000 + yy if yy <= 57 else 1800 + yy


def mod11_ok(digits: str) -> bool:
    if not (digits.isascii() and digits.isdigit()):
        return False
    return sum(int(d) * w for d, w in zip(digits, _MOD11_WEIGHTS)) % 11 == 0


def parse(text: str) -> Cpr:
    """Parse a CPR number; raise ValidationError naming what is wrong. Mod-11 failure is not an error."""
    if text is None:
        raise ValidationError("cpr", "CPR-nummer mangler.")
    cleaned = text.strip().replace(" ", "")
    if not cleaned:
        raise ValidationError("cpr", "CPR-nummer mangler.")
    m = _PATTERN.match(cleaned)
    if not m:
        raise ValidationError("cpr", "CPR-nummeret skal have formen DDMMÅÅ-LLLL (10 cifre).")
    dd, mm, yy, tail = int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4).upper()
    replacement = not tail.isdigit()
    if not tail[0].isdigit():
        raise ValidationError("cpr", "CPR-nummerets 7. ciffer skal være et tal (det angiver århundredet).")
    year = century_year(yy, int(tail[0]))
    try:
        born = date(year, mm, dd)
    except ValueError:
        raise ValidationError("cpr", f"CPR-nummerets fødselsdato {dd:02d}.{mm:02d}.{year} findes ikke.") from None
    digits = m.group(1) + m.group(2) + m.group(3) + tail
    last = tail[-1]
    sex = ("M" if int(last) % 2 else "F") if last.isdigit() else ""
    return Cpr(digits=digits, birth_date=born, sex=sex, mod11_ok=mod11_ok(digits), replacement=replacement)


def check_plausible_age(parsed: Cpr, today: date) -> None:
    """Refuse a CPR number that makes the child older than 25 today, or not yet born, naming the year it read."""
    born = parsed.birth_date
    if born > today:
        raise ValidationError("cpr", f"CPR-nummeret giver fødselsåret {born.year} (født {born:%d.%m.%Y}), som ligger "
                                     "i fremtiden. Kontrollér nummeret; 7. ciffer angiver århundredet.")
    age = age_on(born, today)
    if age > MAX_PLAUSIBLE_AGE:
        raise ValidationError("cpr", f"CPR-nummeret giver fødselsåret {born.year}, altså {age} år i dag; tilbuddet er "
                                     f"for børn og unge på 5-17 år. Kontrollér nummeret; 7. ciffer angiver "
                                     "århundredet.")


def mask(digits: str) -> str:
    """DDMMYY-xxxx: the form lists, logs and titles may show."""
    d = digits.replace("-", "")
    return f"{d[:6]}-xxxx" if len(d) >= 6 else "xxxxxx-xxxx"


def search_key(text: str) -> str | None:
    """Digits a user typed that look like the start of a CPR number (hyphen and spaces removed)."""
    cleaned = text.replace("-", "").replace(" ", "")
    return cleaned if cleaned and cleaned[:1].isdigit() and cleaned.isalnum() else None
