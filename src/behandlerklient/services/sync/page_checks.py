"""A pull page's signatures checked on the pull's worker thread while the applying thread writes (docs/sync.md
"Speed, measured"): the same checks as `apply.check_envelope` (hash, known author, the author's Ed25519 signature
against the key the server registered), the signatures ahead, in chunks, so the applier waits only for the chunk
of the record it is at. The verdicts are those made in place: a record that fails is quarantined by the applier
with the reason found here; nothing is applied that was not checked.

Only the libsodium call runs on the worker, and only where libsodium is installed (security/ed25519.py): ctypes
lets go of the interpreter lock for it, so the worker holds the lock a few microseconds a record. Python work there
(the envelope bytes, or `cryptography`'s check, which keeps the lock) made every SQLCipher call of the applying
thread wait for the lock instead: measured, a page was slower than checked in place. The envelope bytes are made
on the applying thread as the page begins; without libsodium everything is checked in place, as before.

The worker is the pull's own (Puller.run), beside the one that fetches the next page while a page is applied
(pull.prefetched); a page's checks are queued as the page's transaction begins."""

from __future__ import annotations

from concurrent.futures import Executor, Future

from behandlerklient.security import ed25519
from behandlerklient.services.sync.apply import Received, Refused, Staff, envelope_of

CHUNK = 250  # signatures a job: the applier waits for the first only (about 20 ms of checks)

Verdict = bytes | str  # the checked envelope, or the reason it is refused
Signed = tuple[bytes, bytes, ed25519.Verify]  # (envelope, signature, the author's key's check)


def signatures_hold(chunk: list[Signed]) -> list[bool]:
    """Runs on the worker: each signature checked, in order."""
    return [verify(signature, body) for body, signature, verify in chunk]


class PageChecks:
    """The verdicts of a page's records that the applier checks (not this device's own records nor audit rows,
    which it does not apply): refusals before the signature found as the page is taken, each signature by a job on
    the worker."""

    def __init__(self, pool: Executor, recs: list[Received], *, staff: dict[str, Staff], device: str) -> None:
        self._refused: dict[int, str] = {}  # id(record) -> why, found before its signature
        self._at: dict[int, tuple[int, int, bytes]] = {}  # id(record) -> (job, place in it, envelope)
        self._jobs: list[Future[list[bool]]] = []
        chunk: list[Signed] = []
        for rec in recs:
            if rec.device == device or rec.kind == "audit_log":
                continue
            try:
                body, signature = envelope_of(rec, staff)
            except Refused as refused:
                self._refused[id(rec)] = str(refused)
                continue
            self._at[id(rec)] = (len(self._jobs), len(chunk), body)
            chunk.append((body, signature, ed25519.verifier(staff[rec.author].public_key)))
            if len(chunk) == CHUNK:
                self._jobs.append(pool.submit(signatures_hold, chunk))
                chunk = []
        if chunk:
            self._jobs.append(pool.submit(signatures_hold, chunk))

    def of(self, rec: Received) -> Verdict | None:
        """The record's verdict (waiting for its job), or None if it was not checked ahead."""
        key = id(rec)
        if key in self._refused:
            return self._refused[key]
        at = self._at.get(key)
        if at is None:
            return None
        job, place, body = at
        return body if self._jobs[job].result()[place] else "bad_signature"


def checks_ahead() -> bool:
    """Whether a pull checks its pages' signatures on a worker: only with libsodium (see above)."""
    return ed25519.backend() == "libsodium"
