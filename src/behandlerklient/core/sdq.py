"""SDQ scoring by item number with youthinmind's published algorithm; no item wording anywhere."""

from __future__ import annotations

import math
from dataclasses import dataclass

from behandlerklient.core.errors import ValidationError

INFORMANTS = {"parent": "Forælder", "teacher": "Lærer", "self": "Selvrapport (11-17 år)"}

# Item number -> (neutral short name, scale, reverse-scored). Scales: E, C, H, Pe, P.
ITEMS: dict[int, tuple[str, str, bool]] = {
    1: ("consid", "P", False), 2: ("restles", "H", False), 3: ("somatic", "E", False),
    4: ("shares", "P", False), 5: ("tantrum", "C", False), 6: ("loner", "Pe", False),
    7: ("obeys", "C", True), 8: ("worries", "E", False), 9: ("caring", "P", False),
    10: ("fidgety", "H", False), 11: ("friend", "Pe", True), 12: ("fights", "C", False),
    13: ("unhappy", "E", False), 14: ("popular", "Pe", True), 15: ("distrac", "H", False),
    16: ("clingy", "E", False), 17: ("kind", "P", False), 18: ("lies", "C", False),
    19: ("bullied", "Pe", False), 20: ("helpout", "P", False), 21: ("reflect", "H", True),
    22: ("steals", "C", False), 23: ("oldbest", "Pe", False), 24: ("afraid", "E", False),
    25: ("attends", "H", True),
}

SCALES = {"E": "emotional", "C": "conduct", "H": "hyperactivity", "Pe": "peer", "P": "prosocial"}

SCALE_LABELS = {
    "emotional": "Emotionelle symptomer",
    "conduct": "Adfærdsproblemer",
    "hyperactivity": "Hyperaktivitet/opmærksomhed",
    "peer": "Problemer med jævnaldrende",
    "prosocial": "Prosocial adfærd",
    "total_difficulties": "Samlet vanskelighedsscore",
    "externalising": "Eksternaliserende",
    "internalising": "Internaliserende",
    "impact": "Påvirkning (impact)",
}

# Impact items per informant, after the overall-difficulties question.
IMPACT_ITEMS = {
    "parent": ("distress", "home", "friendships", "classroom", "leisure"),
    "self": ("distress", "home", "friendships", "classroom", "leisure"),
    "teacher": ("distress", "peers", "classroom"),
}
# Answers "not at all / only a little / quite a lot / a great deal" score 0 / 0 / 1 / 2.
_IMPACT_RECODE = (0, 0, 1, 2)


@dataclass(frozen=True)
class SdqScores:
    emotional: int | None
    conduct: int | None
    hyperactivity: int | None
    peer: int | None
    prosocial: int | None
    total_difficulties: int | None
    externalising: int | None
    internalising: int | None
    impact: int | None

    def as_dict(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in (
            "emotional", "conduct", "hyperactivity", "peer", "prosocial",
            "total_difficulties", "externalising", "internalising", "impact")}


def _round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


def scale_score(values: list[int | None]) -> int | None:
    """Prorated scale score: needs at least 3 of 5 answered; floor(mean * 5 + 0.5)."""
    answered = [v for v in values if v is not None]
    if len(answered) < 3:
        return None
    # Integer arithmetic avoids float error at the .5 boundary: floor(sum*5/n + 1/2) = floor((10*sum + n) / 2n).
    n, s = len(answered), sum(answered)
    return (10 * s + n) // (2 * n)


def item_score(item: int, answer: int | None) -> int | None:
    if answer is None:
        return None
    return 2 - answer if ITEMS[item][2] else answer


def validate_answers(answers: list[int | None]) -> list[int | None]:
    if len(answers) != 25:
        raise ValidationError("answers", f"Der skal være 25 svar (item 1-25), der er {len(answers)}.")
    for i, a in enumerate(answers, start=1):
        if a is not None and a not in (0, 1, 2):
            raise ValidationError("answers", f"Item {i}: svaret skal være 0, 1 eller 2 (eller tomt), ikke {a!r}.")
    return answers


def validate_impact(informant: str, impact: list[int | None] | None) -> list[int | None] | None:
    if impact is None:
        return None
    expected = 1 + len(IMPACT_ITEMS[informant])
    if len(impact) != expected:
        raise ValidationError(
            "impact", f"Påvirkningstillægget for {INFORMANTS[informant].lower()} har {expected} svar "
            f"(samlet vurdering og {expected - 1} påvirkningsspørgsmål), der er {len(impact)}.")
    for i, a in enumerate(impact):
        if a is not None and a not in (0, 1, 2, 3):
            raise ValidationError("impact", f"Påvirkningssvar {i + 1}: skal være 0-3 (eller tomt), ikke {a!r}.")
    return impact


def impact_score(informant: str, impact: list[int | None] | None) -> int | None:
    """Overall 'no difficulties' means impact 0; otherwise every impact item must be answered."""
    if not impact:
        return None
    overall, items = impact[0], impact[1:]
    if overall == 0:
        return 0
    if overall is None or any(v is None for v in items):
        return None
    return sum(_IMPACT_RECODE[v] for v in items)  # type: ignore[index]


def score(informant: str, answers: list[int | None], impact: list[int | None] | None = None) -> SdqScores:
    if informant not in INFORMANTS:
        raise ValidationError("informant", f"Ukendt informant {informant!r}; brug parent, teacher eller self.")
    validate_answers(answers)
    validate_impact(informant, impact)
    by_scale: dict[str, list[int | None]] = {s: [] for s in SCALES}
    for item, answer in enumerate(answers, start=1):
        by_scale[ITEMS[item][1]].append(item_score(item, answer))
    s = {SCALES[k]: scale_score(v) for k, v in by_scale.items()}
    difficulty = [s["emotional"], s["conduct"], s["hyperactivity"], s["peer"]]
    total = None if any(v is None for v in difficulty) else sum(difficulty)  # type: ignore[arg-type]
    ext = None if s["conduct"] is None or s["hyperactivity"] is None else s["conduct"] + s["hyperactivity"]
    intern = None if s["emotional"] is None or s["peer"] is None else s["emotional"] + s["peer"]
    return SdqScores(emotional=s["emotional"], conduct=s["conduct"], hyperactivity=s["hyperactivity"],
                     peer=s["peer"], prosocial=s["prosocial"], total_difficulties=total,
                     externalising=ext, internalising=intern, impact=impact_score(informant, impact))


def parse_answer_list(text: str, *, field: str = "answers") -> list[int | None]:
    """'0,1,,2' -> [0, 1, None, 2]; anything but 0-3 or empty is a ValidationError naming the position."""
    out: list[int | None] = []
    for pos, raw in enumerate(text.split(","), start=1):
        raw = raw.strip()
        if raw == "":
            out.append(None)
        elif len(raw) == 1 and raw in "0123456789":  # not str.isdigit: "¹" is a digit that int() refuses
            out.append(int(raw))
        else:
            raise ValidationError(field, f"Svar nr. {pos} ({raw!r}) er ikke et tal fra 0 til 3 eller tomt.")
    return out
