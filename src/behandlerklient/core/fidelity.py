"""Manual fidelity: the checklist a session is rated on, and adherence as a share. Our own wording throughout."""

from __future__ import annotations

from dataclasses import dataclass

from behandlerklient.core.manuals import Track

GENERIC_ITEMS = (
    ("agenda", "Dagsordenen blev lagt sammen med barnet/familien"),
    ("status", "Status siden sidst og hjemmeopgaven blev gennemgået"),
    ("goals", "Dagens arbejde blev knyttet til behandlingsmålene"),
    ("exercise", "Øvelsen blev gennemført, som manualen lægger op til"),
    ("homework", "Ny hjemmeopgave blev aftalt med sit formål"),
    ("parents", "Forældrene blev inddraget, som manualen foreskriver"),
)
ADHERENCE = {"yes": "Ja", "partly": "Delvist", "no": "Nej", "not_relevant": "Ikke relevant"}
_POINTS = {"yes": 1.0, "partly": 0.5, "no": 0.0}


@dataclass(frozen=True)
class Item:
    key: str
    label: str


def checklist(track: Track | None) -> list[Item]:
    """The five-part structure and parent involvement, then the items the track's own file lists."""
    items = [Item(k, label) for k, label in GENERIC_ITEMS]
    if track is not None:
        items += [Item(f"track:{i + 1}", text) for i, text in enumerate(track.fidelity_items)]
    return items


def rating_problem(kind: str, *, by_session_author: bool, supervises: bool) -> str | None:
    """Why a user may not rate a session as `kind` ('self' or 'supervisor'), or None: the same rules and words
    wherever a rating comes from (typed in, or pulled from another laptop)."""
    if kind == "self" and not by_session_author:
        return "Kun den behandler, der holdt sessionen, kan lave selvvurderingen."
    if kind == "supervisor" and not supervises:
        return "Kun en supervisor kan vurdere andres sessioner."
    if kind == "supervisor" and by_session_author:
        return "En supervisor kan ikke supervisere sin egen session."
    return None


def adherence(answers: list[str]) -> float | None:
    """Share of relevant items carried out (partly counts half); None when nothing relevant was rated."""
    relevant = [_POINTS[a] for a in answers if a in _POINTS]
    return sum(relevant) / len(relevant) if relevant else None


def sampled(rule: str, *, session_number: int, session_id: int) -> bool:
    """Review sampling: 'every_nth:4' takes every 4th session of a course; 'percent:10' about one in ten,
    chosen from the session id so the same session is always in or out; 'none' takes none."""
    kind, _, value = rule.partition(":")
    if kind == "none":
        return False
    try:
        n = int(value)
    except ValueError:
        raise ValueError(f"ugyldig stikprøveregel {rule!r}") from None
    if kind == "every_nth" and n >= 1:
        return session_number % n == 0
    if kind == "percent" and 0 <= n <= 100:
        return (session_id * 2654435761) % 100 < n
    raise ValueError(f"ugyldig stikprøveregel {rule!r}")
