"""A coordinator's merge decision received in the pull (issue 14). bk.merge_child writes her signed decision as a
record of kind 'child_merges' about the surviving child, so every laptop holding either uid receives it in seq
order with everything else, also one that was offline when she decided. The Applier checks it on arrival
(`apply_decision` below, for services/sync/apply.Applier) and keeps the proof; `verify` checks the proofs here."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from behandlerklient.services.sync.received import Received, Refused, check_envelope, proving_key
from behandlerklient.storage.merge_proofs import MergeProofRepository

KIND = "child_merges"  # applied by `apply_decision`


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


def apply_decision(applier: Any, rec: Received) -> str:  # an apply.Applier (which imports this module)
    """A coordinator's decision that two uids are one child (bk.merge_child writes it as a record of kind
    'child_merges'): checked like any received record, and more (she is a coordinator; it names exactly one pair
    and is about the surviving child); then the pair resolves to the child held here and the proof is kept for
    `verify` (`check` below). A decision that fails is quarantined, never applied."""
    item = rec.as_json()
    proofs = MergeProofRepository(applier.db)
    if proofs.has(rec.uid):
        return "known"
    try:
        body = check_envelope(rec, applier.staff)
        if applier.staff[rec.author].role != "coordinator":
            raise Refused("not_a_coordinator")
        alias, child = _merged_pair(rec)
        # Checked here too, not only by bk.merge_child: a decision reaches the laptops as a record, and two children
        # of different CPR numbers are two children, whoever signed otherwise.
        numbers = {applier.repo.child_cpr(alias), applier.repo.child_cpr(child)}
        if None not in numbers and len(numbers) > 1:
            raise Refused("not_the_same_child")
    except Refused as refused:
        if applier.repo.is_quarantined(rec.uid, item):
            return "known"
        applier.repo.quarantine(seq=rec.seq, uid=rec.uid, kind=rec.kind, author=rec.author, reason=str(refused),
                             item=item, at=applier.at)
        return "quarantined"
    applier.aliases.note(alias_uid=alias, child_uid=child, registered_by=None, at=applier.at)
    applier.merged_twins, applier.not_held = True, set()
    decision = {**rec.fields(), "content_hash": rec.content_hash, "signature": rec.signature}
    applier.aliases.merged(alias_uid=alias, merged_by=rec.author, decision=json.dumps(decision, sort_keys=True),
                        at=applier.at)
    proofs.add(uid=rec.uid, seq=rec.seq, alias_uid=alias, child_uid=child, author=rec.author,
               envelope=body.decode("utf-8"), content_hash=rec.content_hash, signature=rec.signature,
               public_key=base64.b64encode(proving_key(rec, applier.staff[rec.author], body)).decode("ascii"),
               at=applier.at)
    applier.applied.append((applier.aliases.child_id(alias), f"child_alias:{alias}",
                         f"sync seq {rec.seq}: child registered twice merged by {rec.author}"))
    return "applied"


def _merged_pair(rec: Received) -> tuple[str, str]:
    """(alias uid, surviving child uid) of a merge decision, which is about the surviving child."""
    payload = rec.payload
    if not isinstance(payload, dict) or set(payload) != {"alias_uid", "child_uid"}:
        raise Refused("malformed")
    alias, child = payload["alias_uid"], payload["child_uid"]
    if not isinstance(alias, str) or not isinstance(child, str) or alias == child or child != rec.child_uid:
        raise Refused("malformed")
    return alias, child
