"""SDQ band tables as versioned data with a `confirmed` flag per table; shown as text, never only as colour."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from behandlerklient.core.errors import ValidationError

BAND_LABELS = {
    "close_to_average": "Tæt på gennemsnit",
    "slightly_raised": "Let forhøjet",
    "high": "Høj",
    "very_high": "Meget høj",
    "slightly_lowered": "Let sænket",
    "low": "Lav",
    "very_low": "Meget lav",
}
# Prosocial is a strength: its bands run the other way.
_DIFFICULTY_BANDS = ("close_to_average", "slightly_raised", "high", "very_high")
_PROSOCIAL_BANDS = ("close_to_average", "slightly_lowered", "low", "very_low")


@dataclass(frozen=True)
class BandTable:
    informant: str
    scale: str
    cutoffs: tuple[tuple[int, int], ...]  # four inclusive ranges in band order
    confirmed: bool
    source: str

    def band(self, value: int) -> str | None:
        names = _PROSOCIAL_BANDS if self.scale == "prosocial" else _DIFFICULTY_BANDS
        for name, (lo, hi) in zip(names, self.cutoffs):
            if lo <= value <= hi:
                return name
        return None


@dataclass(frozen=True)
class BandScheme:
    scheme: str
    version: str
    tables: dict[tuple[str, str], BandTable]

    def classify(self, informant: str, scale: str, value: int | None) -> dict | None:
        table = self.tables.get((informant, scale))
        if table is None or value is None:
            return None
        name = table.band(value)
        if name is None:
            return None
        return {"band": name, "label": BAND_LABELS[name], "confirmed": table.confirmed,
                "scheme": self.scheme, "version": self.version}


def _parse_range(text: str, where: str) -> tuple[int, int]:
    parts = str(text).split("-")
    try:
        lo, hi = (int(parts[0]), int(parts[-1]))
    except ValueError:
        raise ValidationError(where, f"ugyldigt interval {text!r}") from None
    if len(parts) > 2 or lo > hi:
        raise ValidationError(where, f"ugyldigt interval {text!r}")
    return lo, hi


def load_scheme(path: Path) -> BandScheme:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    tables: dict[tuple[str, str], BandTable] = {}
    for informant, scales in data.get("informant", {}).items():
        for scale, spec in scales.items():
            where = f"{path.name}: informant.{informant}.{scale}"
            cut = tuple(_parse_range(r, where) for r in spec["bands"])
            if len(cut) != 4:
                raise ValidationError(where, "der skal være fire bånd")
            tables[(informant, scale)] = BandTable(informant, scale, cut, bool(spec["confirmed"]),
                                                   spec.get("source", data.get("source", "")))
    return BandScheme(scheme=data["scheme"], version=str(data["version"]), tables=tables)
