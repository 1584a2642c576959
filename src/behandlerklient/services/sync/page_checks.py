"""A large pull page's envelopes checked in a second process while this one writes the page before (docs/sync.md
"Speed, measured"): the same checks as `apply.check_envelope` (services/signatures/envelope_checks.py: the envelope
rebuilt, its hash, its author known, the author's Ed25519 signature against the key the server registered), in
chunks; the applier checks in place a record whose chunk is not answered yet. The verdicts are those made in place:
a record that fails is quarantined by the applier with the reason found there; nothing is applied unchecked.

Why a process, not a thread: every check holds the interpreter lock for its Python part (the canonical envelope
above all), so a checking thread and the applying thread took turns on one core. Measured on a fresh therapist
laptop's 16,000 records: checked on a thread the pull took 1.8 s longer than with no signature checked at all; in a
second process the checks run on the machine's second core. The process is started (spawn: safe beside Qt's
threads and the sync's worker) for the first page with CHECK_AHEAD records to check, or as a fresh laptop's pull
begins, and ends with the pull. A routine sync's few records are checked in place, with no process.

The records go to the process through a pipe, in memory, as they came from the server; nothing is written to disk.
If the process cannot start or dies, the page's records are checked in place, with the same verdicts."""

from __future__ import annotations

import contextlib
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from behandlerklient.services.exchange import pulled_rows
from behandlerklient.services.signatures import envelope_checks
from behandlerklient.services.sync.received import Received, Staff, fields_of

CHUNK = 250  # records a job (about 25 ms of checks): a page's first answers come soon after it is sent
CHECK_AHEAD = 1000  # a page with fewer records to check is checked in place (starting the process costs ~0.2 s)
WAIT = False  # tests: wait for the process's verdict instead of checking in place a record it has not answered yet


def _pool() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=envelope_checks.worker_start)


class CheckProcess:
    """The pull's second process, started when first needed and stopped by `close()`."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self.broken = False  # it could not start or died: every later page is checked in place

    def submit(self, chunk: list[envelope_checks.Fields], keys: dict[str, bytes],
               rules: pulled_rows.RowRules | None = None) -> Future[list[Any]] | None:
        """A job: each record's envelope verdict, or (verdict, row problem) pairs with `rules`."""
        if self.broken:
            return None
        try:
            if self._pool is None:
                self._pool = _pool()
            if rules is None:
                return self._pool.submit(envelope_checks.verdicts, chunk, keys)
            return self._pool.submit(pulled_rows.checked, chunk, keys, rules)
        except Exception:  # noqa: BLE001 - no process (a locked-down machine, a pool broken before): checked in place
            self.broken = True
            return None

    def warm(self) -> None:
        """Start the process and its imports now (a fresh laptop's pull: they overlap the first page's fetch)."""
        if not self.broken and self._pool is None:
            with contextlib.suppress(Exception):
                self._pool = _pool()
                self._pool.submit(envelope_checks.ready)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class PageChecks:
    """The verdicts of a page's records that the applier checks (not this device's own records nor audit rows,
    which it does not apply), each chunk by a job of the check process."""

    def __init__(self, process: CheckProcess, recs: list[Received], *, staff: dict[str, Staff], device: str,
                 rules: pulled_rows.RowRules | None = None) -> None:
        self._at: dict[int, tuple[int, int]] = {}  # id(record) -> (job, place in it)
        self._jobs: list[Future[list[Any]] | None] = []
        self._answers: dict[int, list[Any]] = {}  # job -> its answers, once read
        self._rows = rules is not None  # the jobs answer (verdict, row problem) pairs
        keys = {name: s.public_key for name, s in staff.items()}
        chunk: list[envelope_checks.Fields] = []
        for rec in recs:
            if rec.device == device or rec.kind == "audit_log":
                continue
            self._at[id(rec)] = (len(self._jobs), len(chunk))
            chunk.append(fields_of(rec))
            if len(chunk) == CHUNK:
                self._jobs.append(process.submit(chunk, keys, rules))
                chunk = []
        if chunk:
            self._jobs.append(process.submit(chunk, keys, rules))

    def of(self, rec: Received) -> bytes | str | None:
        """The record's verdict, or None if it was not checked ahead or its job is not through yet: then the applier
        checks it in place, which is never slower than waiting (the process works on another core) and gives the
        same verdict."""
        answer = self._answer(rec)
        if answer is None:
            return None
        found: bytes | str = answer[0] if self._rows else answer
        return found

    def row_of(self, rec: Received) -> str | None:
        """The record's row checked by its fields (pulled_rows.row_problem): "" if they hold, the problem if
        not; None if the process did not check it (not asked to, not answered yet, not a row it checks): then the
        applier checks the row in place."""
        answer = self._answer(rec) if self._rows else None
        if answer is None:
            return None
        problem: str | None = answer[1]
        return problem

    def _answer(self, rec: Received) -> Any:
        at = self._at.get(id(rec))
        if at is None:
            return None
        answers = self._answers.get(at[0])
        if answers is None:
            answers = self._job_answers(at[0])
            if answers is None:
                return None
        return answers[at[1]]

    def _job_answers(self, n: int) -> list[Any] | None:
        """A job's answers once it is through, kept: the applier asks twice a record (`of`, `row_of`), and each
        question to the future takes its lock (about 5 % of a fresh coordinator's apply)."""
        job = self._jobs[n]
        if job is None or not (WAIT or job.done()):
            return None  # checked in place rather than waited for: the process may still be starting
        try:
            answers = job.result()
        except Exception:  # noqa: BLE001 - the process died (BrokenProcessPool) or the job was cancelled
            return None
        self._answers[n] = answers
        return answers


def worth_checking_ahead(recs: list[Received], device: str) -> bool:
    """Whether a page has enough records to check for the process to pay."""
    return sum(1 for rec in recs if rec.device != device and rec.kind != "audit_log") >= CHECK_AHEAD
