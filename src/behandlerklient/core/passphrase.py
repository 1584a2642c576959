"""Passphrase strength in Danish, estimated by zxcvbn (Dropbox's estimator, which looks for common passwords,
words, names, keyboard patterns, repeats, sequences and dates) fed with Danish words and the user's own names.

`check` is the rule every place that sets a passphrase applies (init, user add, passphrase change, recovery
reset, the setup dialog); `strength` is the live feedback the setup dialog shows while typing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from behandlerklient.core.errors import InvalidInput

MIN_LENGTH = 8
MIN_SCORE = 3  # zxcvbn's "safely unguessable": about 10^8 guesses or more
LABELS = ("Meget svag", "Svag", "Rimelig", "God", "Stærk")
_ZXCVBN_MAX = 72  # zxcvbn refuses longer input; the start of a longer passphrase is judged

# zxcvbn's lists are English. Danish words people build passwords from, most common first (the rank is
# how early an attacker tries them), and the program's own words.
DANISH_WORDS = (
    "adgangskode", "kodeord", "password", "kode", "hemmelig", "velkommen", "sommer", "vinter", "forår", "foraar",
    "efterår", "efteraar", "danmark", "dannebrog", "københavn", "kobenhavn", "aarhus", "århus", "odense",
    "aalborg", "jegelskerdig", "elskerdig", "kærlighed", "kaerlighed", "hejmeddig", "hejsa", "fodbold",
    "mormor", "morfar", "farmor", "farfar", "mor", "far", "hund", "kat", "hest", "skole", "arbejde",
    "januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
    "november", "december", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag",
    "behandlerklient", "behandler", "behandling", "kommune", "psykolog", "journal", "barn", "børn", "unge",
    "sundhed", "region", "forløb", "samtale", "demo",
)


@dataclass(frozen=True)
class Strength:
    score: int  # 0-4
    label: str
    advice: str  # why it is weak, in Danish; empty when it is good enough


def _reason(result: dict) -> str:
    patterns = {(m["pattern"], m.get("dictionary_name")) for m in result.get("sequence", [])
                if m.get("guesses_log10", 99) < 6 or len(result.get("sequence", [])) == 1}
    kinds = {p for p, _ in patterns}
    dictionaries = {d for _, d in patterns if d}
    if "passwords" in dictionaries:
        return "Den er en af de mest brugte adgangskoder."
    if "user_inputs" in dictionaries:
        return "Den bygger på dit navn, dit brugernavn, programmets navn eller et almindeligt dansk ord."
    if "repeat" in kinds:
        return "Den gentager de samme tegn eller ord."
    if "sequence" in kinds:
        return "Den er en række som 1234 eller abcd."
    if "spatial" in kinds:
        return "Den følger tasterne på tastaturet."
    if "date" in kinds or "regex" in kinds:
        return "Den er for det meste en dato eller et årstal."
    if dictionaries:
        return "Den består af almindelige ord eller navne."
    return "Den er for kort til at være svær at gætte."


OWN_NAME_REST = 6  # letters that must remain once the user's own names are taken out


def strength(passphrase: str, user_inputs: Iterable[str] = ()) -> Strength:
    p = passphrase or ""
    if len(p) < MIN_LENGTH:
        return Strength(0, LABELS[0], f"Brug mindst {MIN_LENGTH} tegn; en sætning på fire-fem ord er let at huske "
                                      "og svær at gætte.")
    own: list[str] = []
    for text in user_inputs:
        text = str(text or "").lower()
        words = [w for w in text.replace(".", " ").replace("-", " ").replace("_", " ").split() if len(w) >= 3]
        own += [text, text.replace(" ", ""), *words] if text else []
    from zxcvbn import zxcvbn  # here, not at start: its word lists cost 45 ms of every cold start

    result = zxcvbn(p[:_ZXCVBN_MAX], user_inputs=[*own, *DANISH_WORDS], max_length=_ZXCVBN_MAX)
    score = int(result["score"])
    rest = p.lower()
    for word in sorted(set(own), key=len, reverse=True):
        rest = rest.replace(word, "")
    if own and score >= MIN_SCORE and sum(c.isalpha() for c in rest) < OWN_NAME_REST:
        # zxcvbn scores "Tina-Terapeut-1" as two rare words; for this user they are the first thing to try.
        return Strength(1, LABELS[1], "Adgangskoden består mest af dit eget navn eller brugernavn. Brug flere "
                                      "ord, der ikke hører sammen, fx fire-fem tilfældige ord.")
    if score >= MIN_SCORE:
        return Strength(score, LABELS[score], "")
    return Strength(score, LABELS[score], _reason(result) + " Brug flere ord, der ikke hører sammen, fx fire-fem "
                                                           "tilfældige ord.")


def check(passphrase: str, *, user_inputs: Iterable[str] = ()) -> None:
    """Refuses (InvalidInput) a passphrase shorter than MIN_LENGTH or easier to guess than MIN_SCORE."""
    s = strength(passphrase, user_inputs)
    if len(passphrase or "") < MIN_LENGTH:
        raise InvalidInput(f"Adgangskoden skal være mindst {MIN_LENGTH} tegn.")
    if s.score < MIN_SCORE:
        raise InvalidInput(f"Adgangskoden er for let at gætte ({s.label.lower()}). {s.advice}")
