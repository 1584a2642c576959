"""Closed vocabularies of the pathway: code values stored in the database and their Danish labels."""

from __future__ import annotations

SEX = {"F": "Pige", "M": "Dreng", "": "Ukendt"}

# The staff member's profession (faggruppe): asked when a user is created; the author role of a letter to the GP
# when no title is given, and the monitoring data set's "who delivers".
PROFESSIONS = {
    "psychologist": "Psykolog",
    "social_worker": "Socialrådgiver",
    "educator": "Pædagog",
    "nurse": "Sygeplejerske",
    "health_visitor": "Sundhedsplejerske",
    "teacher": "Lærer",
    "occupational_therapist": "Ergoterapeut",
    "physician": "Læge",
    "other": "Anden faggruppe",
}

ROLES = {"therapist": "Behandler", "supervisor": "Supervisor", "coordinator": "Koordinator", "admin": "Administrator"}

CONTACT_MADE_BY = {
    "parent": "Forælder",
    "young_person": "Barnet/den unge selv",
    "professional": "Fagperson",
}

CONTACT_WAY = {
    "self": "Egen henvendelse",
    "gp": "Egen læge",
    "school": "Skole",
    "ppr": "PPR",
    "health_visitor": "Sundhedsplejerske",
    "social_services": "Socialforvaltning",
    "other": "Andet",
}

CONTACT_CHANNEL = {"phone": "Telefon", "in_person": "Fremmøde", "digital": "Digitalt"}

COURSE_STATUS = {
    "planned": "Planlagt",
    "active": "I gang",
    "completed": "Afsluttet",
    "dropped_out": "Frafaldet",
    "cancelled": "Annulleret",
}

SESSION_FORMAT = {"individual": "Individuel", "group": "Gruppe", "parent_group": "Forældregruppe", "family": "Familie"}

PARTICIPANTS = {"child": "Barnet", "parents": "Forældre", "both": "Barn og forældre"}

SESSION_STATE = {"draft": "Kladde", "signed": "Underskrevet"}

# A cancelled or missed session keeps its place in the list but is not a delivered session.
ATTENDANCE = {"held": "Gennemført", "cancelled": "Aflyst", "missed": "Udeblevet"}

# The manual's fixed five-part session structure, in the order the editor shows it.
SESSION_PARTS = {
    "agenda": "Dagsorden",
    "status": "Status siden sidst",
    "goals": "Mål",
    "exercise": "Øvelse",
    "homework": "Hjemmeopgave",
}

GUARDIAN_RELATION = {"mother": "Mor", "father": "Far", "other": "Anden"}


def label(vocab: dict[str, str], code: str | None) -> str:
    return vocab.get(code or "", code or "")

# The GP letters by kind, as the journalised disclosure names them ("Hvad: ..."): the work queue reads them back.
GP_LETTER_KINDS = {"start": "Orientering om forløb til egen læge",
                   "end": "Tilbagemelding ved afslutning til egen læge",
                   "guided": "Orientering om vejledning/henvisning til egen læge"}
