"""Danish organisation numbers as HL7 Denmark's dk-core 3.4.0 states them: GLN (EAN-nummer) and SOR-id.

GLN: exactly 13 digits whose last digit is the GS1 modulus-10 check digit (invariants gln-length, gln-modulus-10).
SOR: digits only, at least 11 of them (invariant min-digits-sor)."""

from __future__ import annotations

import re

GLN_SYSTEM = "https://www.gs1.org/gln"
SOR_SYSTEM = "urn:oid:1.2.208.176.1.1"
_GLN = re.compile(r"^[0-9]{13}$", re.ASCII)
_SOR = re.compile(r"^[0-9]{11,}$", re.ASCII)


def gln_check_digit(first12: str) -> int:
    """GS1's check digit: weights 1,3,1,3,... from the left over twelve digits, then up to the next ten."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - total % 10) % 10


def gln_problem(value: str) -> str | None:
    """What is wrong with a GLN (Danish), or None when dk-core accepts it."""
    if not _GLN.match(value):
        return f"EAN-nummeret (GLN) {value!r} skal være præcis 13 cifre."
    if gln_check_digit(value[:12]) != int(value[12]):
        return (f"EAN-nummeret (GLN) {value} har et forkert kontrolciffer (GS1 modulus 10); "
                f"kontrollér nummeret i SOR eller hos GS1.")
    return None


def sor_problem(value: str) -> str | None:
    """What is wrong with a SOR-id (Danish), or None when dk-core accepts it."""
    if not _SOR.match(value):
        return f"SOR-id'et {value!r} skal være mindst 11 cifre (kun cifre)."
    return None


def number_problems(*, sor: str, ean: str, who: str) -> list[str]:
    """Problems with the numbers that were filled in; empty ones are left to the rule that needs them."""
    found = [p for v, check in ((sor, sor_problem), (ean, gln_problem)) if v for p in [check(v)] if p]
    return [f"{who}: {p}" for p in found]
