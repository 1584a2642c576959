"""Every shared record reaches the sync outbox, not only signed clinical records: master data and structure are
signed at commit by the user who wrote them (services/signatures/outbox.py). Drafts never."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import replace
from datetime import date

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from behandlerklient.core import sync_envelope
from behandlerklient.services.demo import demo
from behandlerklient.services.registration import master_data
from behandlerklient.storage import identity
from behandlerklient.storage.events import SYNC_KINDS
from behandlerklient.storage.outbox import OutboxRepository
from behandlerklient.storage.pathway import PathwayRepository
from behandlerklient.storage.signatures import SignatureRepository

# Shared tables a demo workflow writes that reach the outbox. audit_log is shared but pushed as device chains;
# a demo writes no supervision meeting.
EXPECTED = {"gps", "children", "guardians", "child_changes", "contacts", "intakes", "screenings", "consents",
            "courses", "course_changes", "sdq_responses", "sessions", "closings", "follow_ups", "journal_entries",
            "reviews", "course_events", "fidelity_events", "child_events"}


def test_a_demo_workflow_puts_every_kind_of_shared_record_in_the_outbox(ws) -> None:
    demo.generate(ws=ws, children_count=12, seed=3, today=date(2026, 3, 2))
    child_id = ws.db.scalar("SELECT min(id) FROM children")
    master_data.save(ws=ws, child_id=child_id, edited=replace(master_data.current(ws=ws, child_id=child_id),
                                                              school="Nordskolen"))  # a child_changes row
    course_id = ws.db.scalar("SELECT min(id) FROM courses WHERE status = 'active'")
    with ws.db.transaction():  # a course_changes row as change_track writes it (its passphrase step left out)
        PathwayRepository(ws.db).add_change(course_id, "track", "a", "b", "Skift", on=date(2026, 3, 2),
                                            author_id=ws.user.id, now=ws.clock())
    rows = OutboxRepository(ws.db).all()
    kinds = {r["kind"] for r in rows}
    assert kinds >= EXPECTED, sorted(EXPECTED - kinds)
    # A fidelity rating's row is its events' fold on every laptop: its events travel, the row does not.
    assert kinds <= (identity.SHARED_TABLES - {"audit_log", "fidelity_ratings"}) | set(SYNC_KINDS.values())
    # Each unsigned shared row is in the outbox once (none left on the work list for a user with a key here) ...
    for kind in ("children", "guardians", "courses", "course_changes", "gps"):
        assert ws.db.scalar(f"SELECT count(*) FROM {kind}") == sum(1 for r in rows if r["kind"] == kind), kind
    # ... drafts never: a draft session's uid is not there.
    drafts = {r[0] for r in ws.db.query("SELECT uid FROM sessions WHERE state <> 'signed'")}
    assert drafts and not drafts & {r["uid"] for r in rows}
    # The envelope is the server's (core/sync_envelope.py), signed by the author named in it.
    child = next(r for r in rows if r["kind"] == "children")
    data = json.loads(child["envelope"])
    assert data["v"] == sync_envelope.TAG and data["child_uid"] == child["uid"] == data["payload"]["uid"]
    body = sync_envelope.envelope_bytes(**{name: data[name] for name in sync_envelope.FIELDS})
    assert body == child["envelope"].encode("utf-8")
    assert hashlib.sha256(body).hexdigest() == child["content_hash"]
    user_id = ws.db.scalar("SELECT id FROM users WHERE username = ?", (data["author"],))
    key = SignatureRepository(ws.db).keys_of(user_id)[-1]["public_key"]
    Ed25519PublicKey.from_public_bytes(base64.b64decode(key)).verify(base64.b64decode(child["signature"]), body)
