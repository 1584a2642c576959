"""Age arithmetic on calendar dates (birthdays, not 365-day years)."""

from __future__ import annotations

from datetime import date


def age_on(birth_date: date, on: date) -> int:
    """Completed years on a date; someone born 29 February has their birthday on 1 March in other years."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def age_label(birth_date: date, on: date) -> str:
    return f"{age_on(birth_date, on)} år"
