"""Small statistics the reports share."""

from __future__ import annotations

import math
import statistics


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def p90(values: list[float]) -> float | None:
    """Nearest-rank 90th percentile: the smallest value with at least 90 % of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def summary(values: list[float]) -> dict:
    m, p = median(values), p90(values)
    return {"n": len(values), "median": None if m is None else round(float(m), 1),
            "p90": None if p is None else round(float(p), 1)}


def age_band(age: int) -> str:
    for lo, hi in ((5, 8), (9, 12), (13, 15), (16, 17)):
        if lo <= age <= hi:
            return f"{lo}-{hi}"
    return "under 5" if age < 5 else "18+"
