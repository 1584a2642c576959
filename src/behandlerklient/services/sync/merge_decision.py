"""A coordinator's merge decision received in the pull (issue 14). bk.merge_child writes her signed decision as a
record of kind 'child_merges' about the surviving child, so every laptop holding either uid receives it in seq
order with everything else, also one that was offline when she decided. The Applier checks it on arrival
(services/sync/apply.Applier._merge_decision) and keeps the proof; `verify` checks the proofs here."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from behandlerklient.storage.merge_proofs import MergeProofRepository

KIND = "child_merges"  # applied by services/sync/apply.Applier._merge_decision


def check(db: Any) -> tuple[int, list[str]]:
    """For `verify`: each received decision still matches her signature, and each pair merged here was merged by
    a decision whose proof is kept (or decided on this laptop). Returns (proven, findings); findings name uids."""
    repo = MergeProofRepository(db)
    if not repo.has_table():
        return 0, []
    bad: list[str] = []
    proven: dict[str, tuple[str, str]] = {}
    for r in repo.all():
        body = r["envelope"].encode("utf-8")
        try:
            Ed25519PublicKey.from_public_bytes(base64.b64decode(r["public_key"])).verify(
                base64.b64decode(r["signature"]), body)
            payload = json.loads(body)["payload"]
            ok = (hashlib.sha256(body).hexdigest() == r["content_hash"]
                  and payload == {"alias_uid": r["alias_uid"], "child_uid": r["child_uid"]})
        except (InvalidSignature, binascii.Error, ValueError, KeyError, TypeError):
            ok = False
        if not ok:
            bad.append(f"sammenlægning {r['uid']}: passer ikke til koordinatorens signatur")
            continue
        proven[r["alias_uid"]] = (r["child_uid"], r["author"])
    local = repo.local_usernames()
    for pair in repo.merged_pairs():
        if pair["alias_uid"] in proven:
            if proven[pair["alias_uid"]] != (pair["child_uid"], pair["merged_by"]):
                bad.append(f"sammenlægning af {pair['alias_uid']}: er ikke den, koordinatoren signerede")
        elif pair["merged_by"] not in local:
            bad.append(f"sammenlægning af {pair['alias_uid']}: uden modtaget, signeret beslutning")
    return len(proven), bad
