"""A user's profession (faggruppe) and title: what a letter to the GP and a MedCom file give as the author's role."""

from __future__ import annotations

from behandlerklient.core import limits
from behandlerklient.core.errors import InvalidInput, RuleRefused
from behandlerklient.core.models import User
from behandlerklient.core.vocab import PROFESSIONS

# Said wherever a role is missing: where to fill it in (the set-up dialog asks at creation; afterwards the CLI).
HOW_TO_FILL_IN = ("Udfyld faggruppe eller stillingsbetegnelse: behandlerklient user profile --db DATABASE "
                  "--username BRUGER --profession FAGGRUPPE [--title \"Stillingsbetegnelse\"] "
                  f"(faggrupper: {', '.join(PROFESSIONS)}).")


def check(profession: str, title: str) -> None:
    """A known profession (or none), a title of a name's length; 'other' needs the title that says what it is."""
    if profession and profession not in PROFESSIONS:
        raise InvalidInput(f"Ukendt faggruppe {profession!r}; brug {', '.join(PROFESSIONS)}.")
    limits.check_name("Stillingsbetegnelsen", title)
    if profession == "other" and not title.strip():
        raise InvalidInput("Faggruppen 'other' (anden faggruppe) kræver en stillingsbetegnelse (--title).")


def require_role(user: User) -> str:
    """The author role a MedCom file must carry (never empty: invariant medcom-careCommunication-7 and FHIR's
    rule that a string is never ''); refused, saying what to fill in, for a user without one."""
    role = user.role_text
    if not role:
        raise RuleRefused(f"MedCom-filen kan ikke laves: {user.full_name} har ingen faggruppe eller "
                          f"stillingsbetegnelse, og afsenderens rolle skal stå i filen. {HOW_TO_FILL_IN}")
    return role
