"""Numbers as a Danish reader writes them: a comma as the decimal sign ("-7,23")."""

from __future__ import annotations


def danish(value: float | int | None, places: int | None = None, *, missing: str = "–") -> str:
    """`places` fixes the decimals; without it at most two are shown and trailing zeros dropped (12.50 -> "12,5").
    No thousands separator: a '.' between digits would read as an English decimal point (or a date)."""
    if value is None:
        return missing
    if isinstance(value, int) and places is None:
        return str(value)
    text = f"{value:.{places}f}" if places is not None else f"{value:.2f}".rstrip("0").rstrip(".")
    if text.startswith("-") and not text.strip("-0."):  # -0.001 rounds to "0", not "-0"
        text = text[1:]
    return text.replace(".", ",")
