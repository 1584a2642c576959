"""Small text helpers the record kinds share when they write their journal text."""

from __future__ import annotations

from datetime import date


def _d(text: str | None) -> str:
    return date.fromisoformat(text).strftime("%d.%m.%Y") if text else "-"


def _yn(value) -> str:  # noqa: ANN001
    return "ja" if value else "nej"


def _block(title: str, text: str) -> str:
    return f"{title}:\n{text.strip() or '-'}"
