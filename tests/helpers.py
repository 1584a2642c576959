"""Test helpers that go through the real services."""

from __future__ import annotations

import json
from datetime import date

from behandlerklient.core.models import Guardian
from behandlerklient.services.exchange import transfer
from behandlerklient.services.pathway import records
from behandlerklient.services.registration import children


def child_with_consent(ws, first: str, last: str, cpr: str, *, on: date = date(2020, 1, 1), consent: bool = True):
    """A child with a custody-holding mother and, unless told otherwise, the treatment consent the age needs."""
    child = children.register_child(ws=ws, first_name=first, last_name=last, cpr=cpr,
                                    guardians=[Guardian(None, f"Mor {last}", "mother", True),
                                               Guardian(None, f"Far {last}", "father", False)]).child
    if consent:
        give_consent(ws, child, on=on)
    return children.overview(ws=ws, child_id=child.id).child


def give_consent(ws, child, *, on: date, kind: str = "treatment", party: str = "", young_person: bool | None = None):
    own = child.age_on(on) >= 15 if young_person is None else young_person
    giver = {"given_by": "young_person", "guardian_id": None} if own else {
        "given_by": "custody_holder", "guardian_id": child.guardians[0].id}
    rid, _ = records.save(ws=ws, kind="consent", values={"child_id": child.id, "kind": kind, "party": party,
                                                         "given_on": on, **giver})
    records.sign_confirmed(ws=ws, kind="consent", record_id=rid)
    return rid


def export_without_time(ws) -> dict:
    """The whole database as exported, minus the export's own timestamp, the audit chain's head (each
    database's own history), the signatures (each database's own keys and seals) and each row's `local_id`
    (each database's own numbering) (for comparing two databases' content)."""
    data = json.loads(transfer.export_json(ws=ws))
    data.pop("exported_at")
    data.pop("audit_head", None)
    data.pop("signatures", None)
    data["tables"].pop("seals", None)
    for rows in data["tables"].values():
        for row in rows:
            row.pop(transfer.LOCAL_ID, None)
    return data


def users_by_name(data: dict) -> dict:
    """An export with the users keyed by name (format 2 already names users in references): two installations
    number their users differently."""
    data["tables"]["users"] = {u.pop("username"): {k: v for k, v in u.items() if k not in ("id", transfer.LOCAL_ID)}
                               for u in data["tables"]["users"]}
    return data


OWN_SENDER = {"kommune": "Ærø Kommune", "afdeling": "Børne- og ungebehandlingen", "adresse": "Statene 2",
              "postnr_by": "5970 Ærøskøbing", "telefon": "63 52 50 00", "email": "behandling@aeroe.dk",
              "sor": "265161000016000", "ean": "5790000209354"}


def own_sender(**fields: str):
    """The municipality's own afsender.toml (valid SOR and GLN, no `eksempel`) in this test's configuration folder."""
    from behandlerklient import paths

    folder = paths.config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    values = {**OWN_SENDER, **fields}
    (folder / "afsender.toml").write_text("".join(f'{k} = "{v}"\n' for k, v in values.items()), encoding="utf-8")
    return folder / "afsender.toml"


# What services.pathway.pathway.end_course needs to close a test course as completed below the manual's minimum sessions
# and without a repeat SDQ: the closing rules hold there too, so the reason is given.
CLOSED_EARLY = {"effect": "improved", "further_needs": "Ingen videre behov.",
                "criteria_reason": "Testforløb afsluttet før manualens minimum og uden gentaget SDQ."}


def closed_with_follow_up(ws, child, *, track_id: str = "stime-bekymring-tristhed", start: date, closed: date):
    """A course opened on `start` and closed by a signed closing on `closed`: its follow-up is planned, unsigned."""
    from behandlerklient.services.pathway import pathway

    course = pathway.open_course(ws=ws, child_id=child.id, track_id=track_id, start_date=start).course
    rid, _ = records.save(ws=ws, kind="closing", values={
        "course_id": course.id, "child_id": child.id, "closing_date": closed, "effect": "improved",
        "further_needs": "Ingen", "status": "completed", "criteria_reason": "Målet nået tidligt."})
    records.sign_confirmed(ws=ws, kind="closing", record_id=rid)
    return course


def sync_receipts(db) -> tuple[list, list]:
    """What the pull's audit rows name (services/sync/receipts.py), and what sync_received holds, comparable:
    sorted (kind, record id here, child uid, author) and sorted (seq, child uid, author), each from both."""
    from behandlerklient.services.sync.receipts import named

    logged_ids, logged_seqs = [], []
    for obj, detail, child in db.query("SELECT a.object, a.detail, c.uid FROM audit_log a LEFT JOIN children c "
                                       "ON c.id = a.child_id WHERE a.action = 'sync' AND a.detail LIKE 'sync seq %'"):
        if obj.startswith("child_alias:"):
            continue  # a coordinator's merge decision (merge_decision.apply_decision), not a received row
        ids, seqs, author = named(obj, detail)
        logged_ids += [(table, n, child, author) for table, numbers in ids.items() for n in numbers]
        logged_seqs += [(seq, child, author) for seq in seqs]
    held = db.query("SELECT kind, record_id, child_uid, author, seq FROM sync_received")
    return ([sorted(logged_ids), sorted(logged_seqs)],
            [sorted((r[0], r[1], r[2], r[3]) for r in held), sorted((r[4], r[2], r[3]) for r in held)])
