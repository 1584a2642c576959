"""Passphrase strength feedback in Danish: length first, then variety; common choices are named as such."""

from __future__ import annotations

from dataclasses import dataclass

COMMON = {"password", "passw0rd", "adgangskode", "kodeord", "123456789", "12345678", "qwertyui", "sommer2026",
          "behandler", "kommune1", "letmein1", "velkommen"}
LABELS = ("Meget svag", "Svag", "Rimelig", "God", "Stærk")


@dataclass(frozen=True)
class Strength:
    score: int  # 0-4
    label: str
    advice: str


def strength(passphrase: str) -> Strength:
    p = passphrase or ""
    lowered = p.lower()
    if len(p) < 8:
        return Strength(0, LABELS[0], "Brug mindst 8 tegn; en sætning på fire-fem ord er let at huske og svær at gætte.")
    if lowered in COMMON or len(set(lowered)) <= 3:
        return Strength(0, LABELS[0], "Adgangskoden er meget almindelig eller gentager de samme tegn.")
    classes = sum(any(f(c) for c in p) for f in (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum()))
    words = len([w for w in p.replace("-", " ").split() if len(w) >= 3])
    score = 1 + (len(p) >= 12) + (len(p) >= 16 or words >= 4) + (classes >= 3 or len(p) >= 20 or words >= 4)
    score = min(score, 4)
    advice = "" if score >= 3 else "Gør den længere: flere ord eller tegn giver mest styrke."
    return Strength(score, LABELS[score], advice)
