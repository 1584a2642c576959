"""The sync outbox: a record's signed envelope is written in the transaction that signs it, drafts never."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from behandlerklient.services.pathway import pathway, records
from behandlerklient.services.workspace import workspace
from behandlerklient.storage.outbox import OutboxRepository
from behandlerklient.storage.signatures import SignatureRepository
from tests.conftest import PASSPHRASE, USERNAME
from tests.helpers import child_with_consent

DAY = date(2026, 3, 2)


def _public_key(ws, username: str) -> Ed25519PublicKey:  # noqa: ANN001
    user_id = ws.db.scalar("SELECT id FROM users WHERE username = ?", (username,))
    key = SignatureRepository(ws.db).keys_of(user_id)[-1]
    raw = key["public_key"]
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(raw) if isinstance(raw, str) else raw)


def test_signing_writes_a_verifiable_envelope_and_a_draft_writes_none(ws) -> None:
    child = child_with_consent(ws, "Noa", "Brøndum", "150316-4011")
    before = len(OutboxRepository(ws.db).all())
    contact_id, _ = pathway.add_contact(ws=ws, child_id=child.id, contact_date=DAY, made_by="parent", way="gp",
                                        concern="Uro")
    assert len(OutboxRepository(ws.db).all()) == before  # a draft stays private
    records.sign_confirmed(ws=ws, kind="contact", record_id=contact_id)
    row = next(r for r in OutboxRepository(ws.db).all() if r["kind"] == "contacts" and r["record_id"] == contact_id)
    contact = ws.db.query_one("SELECT uid FROM contacts WHERE id = ?", (contact_id,))
    child_uid = ws.db.scalar("SELECT uid FROM children WHERE id = ?", (child.id,))
    assert (row["kind"], row["uid"], row["child_uid"], row["author"]) == ("contacts", contact["uid"], child_uid,
                                                                          USERNAME)
    data = row["envelope"].encode("utf-8")
    assert hashlib.sha256(data).hexdigest() == row["content_hash"]
    _public_key(ws, USERNAME).verify(base64.b64decode(row["signature"]), data)  # raises if it does not verify
    envelope = json.loads(data)
    assert envelope["payload"]["child_id"] == child_uid and envelope["payload"]["created_by"] == USERNAME
    assert "id" not in envelope["payload"] and envelope["payload"]["concern"] == "Uro"


SIGNER = textwrap.dedent("""
    import os
    import signal
    import sys
    import threading
    from datetime import date
    from behandlerklient.security import kdf
    kdf._default = kdf.ScryptParams(n=2**10)
    from behandlerklient.services.pathway import pathway, records
    from behandlerklient.services.workspace import workspace
    ws = workspace.unlock(path=sys.argv[1], passphrase=sys.argv[2], username=sys.argv[3])
    child_id = int(sys.argv[4])
    # SIGKILL at a random moment of the signing loop (a timer thread of this process: no chance to clean up).
    threading.Timer(float(sys.argv[5]), os.kill, (os.getpid(), signal.SIGKILL)).start()
    while True:
        rid, _ = pathway.add_contact(ws=ws, child_id=child_id, contact_date=date(2026, 3, 2), made_by="parent",
                                     way="gp", concern="Uro")
        records.sign_confirmed(ws=ws, kind="contact", record_id=rid)
""")


def _agree(ws) -> tuple[int, int]:  # noqa: ANN001
    signed = {r[0] for r in ws.db.query("SELECT id FROM contacts WHERE signed_at IS NOT NULL")}
    queued = {r["record_id"] for r in OutboxRepository(ws.db).all() if r["kind"] == "contacts"}
    assert signed == queued, (sorted(signed - queued)[:5], sorted(queued - signed)[:5])
    return len(signed), len(queued)


def test_killing_the_signing_process_never_leaves_outbox_and_records_disagreeing(ws, db_path, tmp_path) -> None:
    child = child_with_consent(ws, "Noa", "Brøndum", "150316-4011")
    ws.close()
    script = tmp_path / "signer.py"
    script.write_text(SIGNER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    rng = random.Random(13)
    signed = 0
    for _ in range(30):
        proc = subprocess.run([sys.executable, str(script), str(db_path), PASSPHRASE, USERNAME, str(child.id),
                               f"{rng.uniform(0.05, 0.5):.3f}"], stderr=subprocess.PIPE, env=env, timeout=300)
        assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
        check = workspace.unlock(path=Path(db_path), passphrase=PASSPHRASE, username=USERNAME)
        try:
            signed, queued = _agree(check)
        finally:
            check.close()
    assert signed > 30  # the kills fell while records were being signed, not before the first
