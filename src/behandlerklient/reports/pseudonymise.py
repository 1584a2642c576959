"""The activity report's pseudonymised CSV: rows that cannot be linked to a child, nor to the same rows of
another export (docs/reports.md says exactly what is kept).

Three things would link them, and each is removed:
- order: rows are shuffled with a fresh random order for every export;
- pseudonyms: a fresh random pseudonym per child for every export (stable within the file only);
- content: the period is kept as a quarter and waits as bands, and every child's combination of values (all
  its rows) must be shared by at least K children of the file; a rarer one has values withheld ("*"), a
  column at a time, until it is, and as a last resort its rows are given a pseudonym each. Two exports of the same period can
  then be matched no better than by drawing lots within groups of at least K identical children.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

K = 5
PSEUDONYM_LETTERS = "bcdfghjkmnpqrstvwxz"
WITHHELD = "*"
WAIT_BANDS = ((0, 7), (8, 14), (15, 28), (29, 56), (57, 91))
# The columns compared; on a tie the earlier one is withheld first (the waits: the JSON and PDF reports keep
# their exact medians).
WITHHOLD_ORDER = ("days_to_start_band", "days_to_screening_band", "days_to_intake_band", "way", "made_by",
                  "course_status", "screening_outcome", "track", "intake_group", "age_band", "sex",
                  "contact_quarter")


def quarter(day) -> str:  # noqa: ANN001 - a date
    return f"{day.year}-K{(day.month - 1) // 3 + 1}"


def wait_band(days: int | None) -> str:
    if days is None:
        return ""
    for lo, hi in WAIT_BANDS:
        if lo <= days <= hi:
            return f"{lo}-{hi}"
    return f"{WAIT_BANDS[-1][1] + 1}+"


@dataclass
class _Unit:
    """The rows that will share one pseudonym (a child's contacts in the period)."""
    child_id: int
    rows: list[dict] = field(default_factory=list)

    def signature(self) -> tuple:
        return tuple(sorted(tuple(r[c] for c in WITHHOLD_ORDER) for r in self.rows))


def _classes(units: list[_Unit]) -> Counter:
    return Counter(u.signature() for u in units)


def random_pseudonym() -> str:
    """12 random consonants (51 bits): no digits, so no pseudonym can look like a CPR number or a date."""
    return "".join(secrets.choice(PSEUDONYM_LETTERS) for _ in range(12))


def _rare(units: list[_Unit], k: int) -> list[_Unit]:
    sizes = _classes(units)
    return [u for u in units if sizes[u.signature()] < k]


def _withhold_rare(units: list[_Unit], k: int) -> None:
    """Greedy: withhold, for the children whose combination is rarer than k, the one column that leaves the
    fewest such children; repeat until none is left or nothing more can be withheld."""
    while rare := _rare(units, k):
        best: tuple[int, int, str] | None = None
        for rank, column in enumerate(WITHHOLD_ORDER):
            saved = [[r[column] for r in u.rows] for u in rare]
            if all(v == WITHHELD for vals in saved for v in vals):
                continue
            _set(rare, column, None)
            left = len(_rare(units, k))
            _set(rare, column, saved)
            if best is None or (left, rank) < best[:2]:
                best = (left, rank, column)
        if best is None:
            return
        _set(rare, best[2], None)


def _set(units: list[_Unit], column: str, values: list[list[str]] | None) -> None:
    for i, u in enumerate(units):
        for j, r in enumerate(u.rows):
            r[column] = WITHHELD if values is None else values[i][j]


def _fill_withheld_group(units: list[_Unit], k: int) -> None:
    """The children left with everything withheld must be at least k too: withhold everything for single-row
    children of the largest groups (which stay at k or more) until they are."""
    def blank(u: _Unit) -> bool:
        return all(v == WITHHELD for r in u.rows for v in r.values())

    while 0 < sum(1 for u in units if blank(u)) < k:
        sizes = _classes(units)
        donors = [u for u in units if len(u.rows) == 1 and not blank(u) and sizes[u.signature()] > k]
        if not donors:
            return  # too few children in the file for anything better; every value is already withheld for them
        donor = max(donors, key=lambda u: sizes[u.signature()])
        for column in WITHHOLD_ORDER:
            _set([donor], column, None)


def pseudonymise(rows: list[tuple[int, dict]], *, k: int = K,
                 new_pseudonym: Callable[[int], str] | None = None) -> list[dict]:
    """`rows` are (child id, values without pseudonym); returns the rows to write, shuffled. `new_pseudonym`
    is for tests that must know the truth to measure linkage; by default `random_pseudonym()`."""
    make = new_pseudonym or (lambda _child: random_pseudonym())
    by_child: dict[int, _Unit] = {}
    for child_id, values in rows:
        by_child.setdefault(child_id, _Unit(child_id)).rows.append(dict(values))
    units = list(by_child.values())
    _withhold_rare(units, k)
    sizes = _classes(units)
    split: list[_Unit] = []
    for u in units:
        if sizes[u.signature()] < k and len(u.rows) > 1:
            # Everything is withheld and the number of contacts still stands out: unlink the rows.
            split.extend(_Unit(u.child_id, [r]) for r in u.rows)
        else:
            split.append(u)
    _fill_withheld_group(split, k)
    out = []
    for u in split:
        pseudonym = make(u.child_id)
        out.extend({"pseudonym": pseudonym, **r} for r in u.rows)
    secrets.SystemRandom().shuffle(out)
    return out
