"""Applying pulled records on this laptop (sync.md, protocol step 4): each record's envelope is rebuilt from the
server's columns (core/sync_envelope.py) and checked, hash and Ed25519 signature, against the author's public key
as the server registered it; then its references (uids, user names) become ids here and it is inserted as it was
signed. The row checks are the import's (services/exchange/import_checks.py, identity.TABLES): a pulled record is as
untrusted as an imported file. A record that fails goes to sync_quarantine whole, with the reason; one whose
parent has not arrived waits in sync_orphans. Nothing is dropped.
"""

from __future__ import annotations

import base64
from typing import Any

from behandlerklient.core import cpr as cprmod
from behandlerklient.core import fidelity, limits
from behandlerklient.core.access import SUPERVISING_ROLES
from behandlerklient.core.errors import ValidationError
from behandlerklient.core.sorting import name_key
from behandlerklient.core.uid import uuid7
from behandlerklient.services.exchange.event_transfer import EventProblem, check_event
from behandlerklient.services.exchange.import_checks import RowProblem, check_row, check_signature, check_values
from behandlerklient.services.exchange.pulled_rows import RowRules
from behandlerklient.services.pathway import record_rules
from behandlerklient.services.sync import merge_decision, page_lookups
from behandlerklient.services.sync.receipts import Receipts
from behandlerklient.services.sync.received import (  # noqa: F401 - re-exported: the pull, frames and tests use them
    LOCAL_ROLES,
    Orphan,
    Received,
    Refused,
    Staff,
    Verdicts,
    _envelope_bytes,
    check_envelope,
    envelope_of,
    proving_key,
)
from behandlerklient.services.workspace.catalogue import Catalogue
from behandlerklient.storage import identity, transfer_rows
from behandlerklient.storage.child_alias import ChildAliasRepository
from behandlerklient.storage.database import BindError, Database, IntegrityError
from behandlerklient.storage.events import AGGREGATE_OF_KIND, SUBJECT_TABLES, VALUE_REFS, EventRepository
from behandlerklient.storage.record_owner import RecordOwner
from behandlerklient.storage.sync_state import SyncRepository

REFS = dict(identity.TABLES)
# What a kind's rules (services/pathway/record_rules.py) read about the child besides the record's own parents.
RULES_READ = {"closings": ("sdq_responses", "sessions")}
# Kinds whose rows wait in memory, with their ids given here, and are written a statement per table when the page's
# records are through (Applier.flush): no other kind names them (a journal entry names its source and the entry it
# supersedes, both written before it in identity.TABLES' order), no event changes them, no check reads them back,
# and only their own tables' triggers read them. About half a therapist's records (journal entries above all).
DEFERRED = ("intakes", "consents", "questionnaire_responses", "coordination_entries", "notifications",
            "journal_entries")


def row_rules(db: Database, catalogue: Catalogue) -> RowRules:
    """What the check process checks a pulled row's fields against (pulled_rows.row_problem): the columns
    `_resolve` checks, as this laptop's schema has them, and the columns it resolves to ids."""
    tables = {table: ({c: t for c, t in transfer_rows.column_types(db, table).items() if c != "id"}, frozenset(refs))
              for table, refs in identity.TABLES if table in identity.SHARED_TABLES and table != "users"}
    return RowRules(tables, frozenset(identity.SOURCE_TABLES), frozenset(catalogue.tracks))


class Redo(Exception):  # noqa: N818 - a signal to the pull, not an error
    """Something this page's fast path wrote cannot be undone alone (a deferred row the schema refused, an event's
    fold that failed after the event was stored): the page's transaction is rolled back and the page applied again
    record by record (`Applier(careful=True)`), which gives every record the verdict it gets on its own."""


class Applier:
    """Applies received records inside the caller's transaction (one page = one transaction), then `finish()` writes
    the page's proofs (sync_received) in one statement each, still inside that transaction.

    Speed (docs/sync.md "Speed, measured"): the ids of what this page inserted or found are kept in `ids`, and the
    page's own uids that were not here when it began in `absent` (`prepare`), so a record costs its insert and a
    look-up only for a parent from an earlier page. Both hold only for this page's transaction: a rolled-back page
    takes its Applier with it. The rows of the DEFERRED kinds wait in `pending`, with the ids SQLite would give them,
    until `flush()`; a received event is stored without a savepoint of its own. Where that cannot give the record's
    verdict (see `Redo`), the page is applied again carefully: each row inserted as it comes, each event under a
    savepoint. Careful is the default: only a caller that applies the page again on Redo (pull.Puller.apply_page)
    asks for `careful=False`."""

    def __init__(self, db: Database, *, staff: dict[str, Staff], device: str, catalogue: Catalogue, at: str,
                 verdicts: Verdicts | None = None, careful: bool = True) -> None:
        self.db, self.staff, self.device, self.catalogue, self.at = db, staff, device, catalogue, at
        self.careful = careful
        self.verdicts = verdicts  # the page's envelopes, checked on the pull's worker while this one writes
        self.repo = SyncRepository(db)
        self.aliases = ChildAliasRepository(db)
        self.owner = RecordOwner(db)  # whose record a row is here, read once per parent for the page
        self.user_ids = self.repo.user_ids()
        self.applied = Receipts()  # the page's audit rows
        self.counts = {"applied": 0, "known": 0, "own": 0, "orphans": 0, "quarantined": 0}
        self.types: dict[str, dict[str, str]] = {}  # each table's columns, read once per page
        self.ids: dict[tuple[str, str], int] = {}  # (table, uid) -> id here: found or inserted in this page
        self.absent: set[tuple[str, str]] = set()  # (table, uid) of this page's records not here when it began
        self.users: dict[str, int] = {}  # user name -> id here
        # this page's: it deletes no subject; unless careful, its events and fidelity folds wait for flush()
        self.events = EventRepository(db, remember=True, batch=not careful)
        self.proofs: list[tuple[Any, ...]] = []  # sync_received rows, written by finish()
        self.checked: dict[int, bytes] = {}  # id(record) -> its envelope, checked: this page's orphans waiting
        self.waiting: dict[str, tuple[Received, str]] = {}  # uid -> (record, missing uid): this page's orphans
        self.merged_twins = self.aliases.any_merged()  # no merged pair here: a child not found has no alias either
        self.not_held: set[str] = set()  # uids an orphan waits for that no table held when last looked for
        self.pending: dict[str, list[dict[str, Any]]] = {}  # table -> rows waiting for flush(), in page order
        self.next_ids: dict[str, int] = {}  # table -> the id its next pending row gets
        # (course id, a group session?, format) -> a session's rule verdict (record_rules.row_problem), until a
        # course's event is applied
        self.session_rules: dict[tuple[Any, bool, Any], tuple[str, str] | None] = {}
        self.session_authors: dict[str, Any] = {}  # a session's id here -> its author's (fidelity ratings' rules)

    def prepare(self, recs: list[Received]) -> None:
        """The page's look-ups, one query per table (services/sync/page_lookups.py)."""
        page_lookups.prepare(self, recs)

    def arrived(self, table: str, rows: dict[str, int], children: dict[int, int | None] | None = None) -> None:
        """Rows another applier wrote in this page's transaction (a supervisor's session frames), and the child of
        each by id: the page's waiting records that name them find them when retried."""
        for record_id, child in (children or {}).items():
            self.owner.known[(table, record_id)] = child
        for uid, record_id in rows.items():
            self.ids[(table, uid)] = record_id
            self.absent.discard((table, uid))
            self.not_held.discard(uid)

    def flush(self) -> None:
        """The rows waiting in `pending`, a statement per table in identity.TABLES' order (a row's parents first),
        then the events and their fidelity folds. Redo if the schema refuses one: the records applied after it may
        name it, so the page is applied again."""
        try:
            for table in DEFERRED:
                rows = self.pending.pop(table, None)
                if rows:
                    self.next_ids.pop(table, None)  # read again after the write (nothing else writes these tables)
                    self.repo.insert_many(table, rows)
            self.events.flush()
        except (IntegrityError, BindError) as exc:
            raise Redo(str(exc)) from exc

    def finish(self) -> None:
        """The proofs of the records applied, and their rows off both work lists (not this device's to sign or send)."""
        self.flush()  # the proofs name the rows, and their triggers put them on the work lists
        self._store_orphans()  # a caller that retried none: nothing is dropped
        self.repo.received_many(self.proofs)
        self.proofs = []

    def child_uids(self) -> dict[int, str]:
        """id -> uid of the children this page inserted or found by their own uid (the audit rows name them)."""
        return {record_id: uid for (table, uid), record_id in self.ids.items() if table == "children"}

    def _id(self, table: str, uid: str) -> int | None:
        """The row's id here (cached for the page), None if it is not here."""
        key = (table, uid)
        found = self.ids.get(key)
        if found is None and key not in self.absent:
            found = identity.id_of(self.db, table, uid)
            if found is not None:
                self.ids[key] = found
        return found

    def _child(self, uid: str) -> int | None:
        """A child's id here: its own row (cached), else the row of the child it was merged with."""
        found = self._id("children", uid)
        return found if found is not None or not self.merged_twins else self.aliases.child_id(uid)

    def _subject(self, aggregate: str, subject_uid: str) -> str | None:
        """An event's subject as it is named here (EventRepository.local_subject), through the page's ids."""
        table = SUBJECT_TABLES.get(aggregate)
        if table is None and aggregate != "fidelity":
            return self.events.local_subject(aggregate, subject_uid)
        record, _, rest = subject_uid.partition(":") if table is None else (subject_uid, "", "")
        found = self._child(record) if table == "children" else self._id(table or "sessions", record)
        return None if found is None else f"{found}:{rest}" if table is None else str(found)

    def record(self, rec: Received) -> str:
        """applied | known | own | orphan | quarantined"""
        outcome = self._one(rec)
        self.counts["orphans" if outcome == "orphan" else outcome] += 1
        return outcome

    def _one(self, rec: Received) -> str:
        if rec.device == self.device:
            return "own"  # written here: the row is here already
        if rec.kind == "audit_log":
            return "own"  # another device's audit chain (this user's other laptop): anchored on the server
        if rec.kind == "child_merges":
            return merge_decision.apply_decision(self, rec)
        table = "events" if rec.kind in AGGREGATE_OF_KIND else rec.kind
        body: bytes | None = None
        try:
            if table != "events" and (rec.kind not in REFS or rec.kind not in identity.SHARED_TABLES
                                      or rec.kind == "users"):
                raise Refused("unknown_kind")
            body = self._checked(rec)
            if self._id(table, rec.uid) is not None:
                return "known"
            if rec.kind == "children" and self.merged_twins and self.aliases.child_id(rec.uid) is not None:
                return "known"  # registered twice and merged by a coordinator: held here under the other uid
            if table == "events":
                record_id, child = self._event(rec)
            else:
                values = self._resolve(rec)
                owner = self.owner.of_row(values)
                self._same_child(rec, record_owner=owner)
                if owner is not None and self.owner.strays(values, self._refs(rec.kind, values), owner):
                    raise Refused("child_mismatch")  # it names another child's guardian, course, session...
                if rec.kind == "fidelity_ratings":
                    self.flush()  # the fidelity folds waiting write the same rows
                record_id = self._insert(rec.kind, values) if self.careful or rec.kind not in DEFERRED \
                    else self._defer(rec.kind, values)
                child = record_id if rec.kind == "children" else owner
                self.owner.known[(rec.kind, record_id)] = child  # a later record of the page names it: no read
        except Orphan as orphan:
            # Waits in memory until the page ends (its parent may come later in the page), then in sync_orphans;
            # its signature held, so a retry within the page does not check it again.
            self.waiting[rec.uid] = (rec, orphan.missing)
            if body is not None:
                self.checked[id(rec)] = body
            return "orphan"
        except Refused as refused:
            held_back = self._held_back_by(rec, str(refused))
            if held_back is not None:
                self.waiting[rec.uid] = (rec, held_back)
                if body is not None:
                    self.checked[id(rec)] = body
                return "orphan"
            item = rec.as_json()
            if self.repo.is_quarantined(rec.uid, item):
                return "known"  # the same item again (a history overlapping the pull): kept once
            self.repo.quarantine(seq=rec.seq, uid=rec.uid, kind=rec.kind, author=rec.author, reason=str(refused),
                                 item=item, at=self.at)
            return "quarantined"
        self.ids[(table, rec.uid)] = record_id
        self.absent.discard((table, rec.uid))
        self.proofs.append((table, record_id, rec.uid, rec.child_uid, rec.seq, rec.author, body.decode("utf-8"),
                            rec.content_hash, rec.signature,
                            base64.b64encode(proving_key(rec, self.staff[rec.author], body)).decode("ascii")))
        self.applied.record(child, table, record_id, rec.seq, rec.author)
        return "applied"

    def _checked(self, rec: Received) -> bytes:
        """The record's envelope, checked: before it waited as an orphan of this page, ahead on the pull's worker,
        or here. Refused if it does not hold."""
        earlier = self.checked.pop(id(rec), None)
        if earlier is not None:
            return earlier
        ahead = self.verdicts.of(rec) if self.verdicts is not None else None
        who = self.staff.get(rec.author)
        if who is None or not who.retired:
            if isinstance(ahead, str):
                raise Refused(ahead)
            return ahead if ahead is not None else check_envelope(rec, self.staff)
        # The author's key was replaced (server migration 0019): the check process checked against the registered key
        # only, which is the right one only for records that reached the server after the replacement.
        if isinstance(ahead, str) and ahead != "bad_signature":
            raise Refused(ahead)
        if isinstance(ahead, bytes) and who.keys_for(rec) == [who.public_key]:
            return ahead
        return check_envelope(rec, self.staff)

    def _same_child(self, rec: Received, *, record_owner: int | None) -> None:
        """Refused unless the record belongs to the child its envelope names: the server judged the author's access
        by that child (bk.may_write), and the row is written where its references point. A record about a child the
        author may write about, whose references point into another child's record, would otherwise land there.
        A child's own record names itself; a record about no child (a GP, a group session) is not compared."""
        if rec.kind == "children":
            if rec.child_uid != rec.uid:
                raise Refused("child_mismatch")
            return
        if record_owner is None:
            return
        named = self._child(rec.child_uid) if rec.child_uid is not None else None
        if named is None and rec.child_uid is not None:
            # Not here (yet): a twin's uid whose merge decision comes later in the pull. It waits, as an orphan.
            raise Orphan(rec.child_uid)
        if named != record_owner:
            raise Refused("child_mismatch")

    @staticmethod
    def _refs(table: str, values: dict[str, Any]) -> dict[str, str]:
        """The row's columns that name another record: column -> table (a journal entry's source by its kind)."""
        refs = dict(REFS[table])
        if table == "journal_entries" and values.get("source") in identity.SOURCE_TABLES:
            refs["source_id"] = identity.SOURCE_TABLES[values["source"]]
        return refs

    def _resolve(self, rec: Received) -> dict[str, Any]:
        table, payload = rec.kind, rec.payload
        if table not in self.types:
            self.types[table] = {c: t for c, t in transfer_rows.column_types(self.db, table).items() if c != "id"}
        types = self.types[table]
        if set(payload) != set(types):
            raise Refused("schema_mismatch")
        if payload.get("uid") != rec.uid:
            raise Refused("uid_mismatch")
        values = dict(payload)
        refs = self._refs(table, values)
        for col, ref in refs.items():
            if values.get(col) is None:
                continue
            if not isinstance(values[col], str):
                raise Refused(f"bad_reference {col}")
            if ref == "users":
                new = self._user(values[col])
            elif ref == "children":
                new = self._child(values[col])  # a merged twin's uid resolves to the child held here
            else:
                new = self._id(ref, values[col])
            if new is None:
                raise Orphan(values[col])
            values[col] = new
        ahead = self.verdicts.row_of(rec) if self.verdicts is not None else None
        try:
            if ahead is None:
                check_row(table, values, column_types=types, catalogue=self.catalogue, user_ids=self.user_ids)
            elif ahead:
                raise RowProblem(ahead)
            else:  # the other fields held in the check process: those naming records hold ids here now
                check_values(table, {c: values[c] for c in refs}, column_types=types, tracks=self.catalogue.tracks)
                if values.get("signed_at") is not None:
                    check_signature(table, values, user_ids=self.user_ids)
        except RowProblem as exc:
            raise Refused(f"invalid_row: {exc}") from None
        if table == "children":
            try:
                parsed = cprmod.parse(str(values["cpr"]))
            except ValidationError:
                raise Refused("invalid_row: cpr") from None
            if values["birth_date"] != parsed.birth_date.isoformat() or values["sex"] != parsed.sex:
                raise Refused("invalid_row: cpr")
            values["sort_key"] = name_key(str(values["first_name"]), str(values["last_name"]))
        if table == "sessions":  # the course's track decides: read once per course, not once per session
            key = (values.get("course_id"), values.get("group_session_id") is not None, values.get("format"))
            if key not in self.session_rules:
                self.session_rules[key] = record_rules.row_problem(self.db, self.catalogue, table, values)
            broken = self.session_rules[key]
        else:
            broken = record_rules.row_problem(self.db, self.catalogue, table, values)
        if broken is not None:  # the clinical rules typed input keeps (services/pathway/record_rules.py): quarantined
            raise Refused(f"rule_refused: {broken[0]}: {broken[1]}")
        return values

    def _event(self, rec: Received) -> tuple[int, int | None]:
        """A shared value's event made elsewhere: checked like an imported one, stored through
        EventRepository.receive, which folds its field, so the current value here becomes the author's."""
        row, aggregate = rec.payload, AGGREGATE_OF_KIND[rec.kind]
        try:
            check_event(row, 1, {rec.author: 0})  # the event's author, if it names one, is its signer
        except EventProblem as problem:
            raise Refused(f"invalid_row: {problem.message}") from None
        if row["uid"] != rec.uid:
            raise Refused("uid_mismatch")
        if row["aggregate"] != aggregate or row["child_uid"] != rec.child_uid:
            raise Refused("kind_mismatch")
        self._user(rec.author)
        events = self.events
        local = self._subject(aggregate, row["subject_uid"])
        if local is None:
            raise Orphan(row["subject_uid"].split(":", 1)[0])
        child_id = self._child(row["child_uid"]) if row["child_uid"] else None
        if row["child_uid"] and child_id is None:
            raise Orphan(row["child_uid"])
        if self.merged_twins:
            row = self._under_held_child(row, aggregate)
        table = SUBJECT_TABLES.get(aggregate) or ("sessions" if aggregate == "fidelity" else None)
        owner = self.owner.child(table, int(local.split(":", 1)[0])) if table is not None else None
        self._same_child(rec, record_owner=owner)
        if aggregate == "fidelity":
            self._rater_checked(rec, row["value"], local)
        spec = VALUE_REFS.get((aggregate, row["field"]))
        if spec is not None:
            key, ref_table = spec
            value = row["value"]
            ref = value if key is None else value.get(key) if isinstance(value, dict) else None
            if isinstance(ref, str) and ref_table == "users":
                self._user(ref)
            elif isinstance(ref, str):
                found = self._id(ref_table, ref)
                if found is None:
                    raise Orphan(ref)
                if owner is not None and self.owner.child(ref_table, found) not in (None, owner):
                    raise Refused("child_mismatch")  # a course's contact that is another child's
        events.last_id = None
        try:
            if self.careful:
                event = self.repo.alone(lambda: events.receive(row, local=local, child_id=child_id))
            else:  # the event's INSERT is one statement, undone whole if it fails; its fold's write comes after it
                event = events.receive(row, local=local, child_id=child_id)
        except (IntegrityError, BindError, LookupError, KeyError, TypeError, ValueError) as exc:
            if not self.careful and events.last_id is not None:
                raise Redo(f"the fold of event {row['uid']} failed after the event was stored") from exc
            if not isinstance(exc, IntegrityError):
                raise Refused(f"invalid_row: value of {row['field']}") from None
            text = str(exc)
            raise Refused("duplicate_cpr" if "cpr" in text else f"refused_here: {text.split(':')[0]}") from None
        if aggregate == "course":
            self.session_rules.clear()  # its fold may have changed a course's track
        return events.last_id or events.event_id(event.uid), event.child_id

    def _rater_checked(self, rec: Received, value: Any, local: str) -> None:
        """A fidelity rating keeps the rules of typed input (core/fidelity.rating_problem) however it arrives, and
        its rater is its signer: the server lets through any rating about a child the signer may write about."""
        session_id, kind = local.split(":")[:2]
        author = self.session_authors.get(session_id)
        if author is None:
            author = self.session_authors[session_id] = self.repo.session_author(int(session_id))
        if not isinstance(value, dict) or value.get("rater_id") != rec.author:
            raise Refused("rule_refused: fidelitetsvurdering: Vurderingen er ikke underskriverens egen.")
        problem = fidelity.rating_problem(kind, by_session_author=author == self._user(rec.author),
                                          supervises=self.staff[rec.author].role in SUPERVISING_ROLES)
        if problem is not None:
            raise Refused(f"rule_refused: fidelitetsvurdering: {problem}")

    def _under_held_child(self, row: dict[str, Any], aggregate: str) -> dict[str, Any]:
        """An event naming a twin's uid (its child, or as a child's master data its subject), merged by a
        coordinator's decision: stored under the child held here, so it lands in that child's record and its
        field's history (the events table names its child by that row's uid); verify accepts the difference
        (received_check._merged_twins)."""
        names = ("child_uid", "subject_uid") if aggregate == "child" else ("child_uid",)
        held = {n: self.aliases.local_uid_of(row[n]) for n in names
                if row[n] and self._id("children", row[n]) is None}
        return {**row, **{n: uid for n, uid in held.items() if uid is not None}}

    def _user(self, username: str) -> int | None:
        found = self.users.get(username)
        if found is None:
            found = transfer_rows.user_id(self.db, username)
        if found is not None:
            self.users[username] = found
            return found
        staff = self.staff.get(username)
        if staff is None or staff.role not in LOCAL_ROLES:
            raise Refused("unknown_user")
        new = self.repo.add_user(username=username, full_name=staff.full_name, role=LOCAL_ROLES[staff.role],
                                 at=self.at)
        self.user_ids.add(new)
        self.users[username] = new
        self.applied.append((None, f"user:{new}", f"sync: author {username} from the server"))
        return new

    def _insert(self, table: str, values: dict[str, Any]) -> int:
        try:
            return self.repo.insert_received(table, values)
        except IntegrityError as exc:
            text = str(exc)
            if table == "children" and "cpr" in text:
                self._twin_waits(values)
            raise Refused("duplicate_cpr" if "cpr" in text else f"refused_here: {text.split(':')[0]}") from None

    def _defer(self, table: str, values: dict[str, Any]) -> int:
        """The row `_insert` would write, kept for `flush()` with the id SQLite would give it now (nothing else writes
        these tables in a page's transaction: the ids follow the table's last one in page order, as one by one)."""
        limits.check_row(table, values)  # Database.insert's own check, at the same point
        row = {**values, "uid": values.get("uid") or uuid7(), "origin_device": values.get("origin_device")
               or self.db.device_uid}
        next_id = self.next_ids.get(table)
        if next_id is None:
            next_id = self.repo.last_id(table) + 1
        row["id"] = next_id
        self.next_ids[table] = next_id + 1
        self.pending.setdefault(table, []).append(row)
        return next_id

    def _twin_waits(self, values: dict[str, Any]) -> None:
        """The same child registered on another laptop (same CPR): it waits, as an orphan, for the coordinator's
        merge decision, after which its uid resolves to the child held here (quarantined it would stay refused)."""
        raise Orphan(str(values["uid"]))

    def _held_back_by(self, rec: Received, reason: str) -> str | None:
        """A record the rules refuse while a record they read about the same child waits for its parent: the uid of
        that record, which it then waits for. A closing's rules read the child's SDQ forms and sessions, and a laptop
        seals a screening's forms before the screening they name, so a form may wait for a screening later in the
        page or in a later page; the verdict is given when the form is applied."""
        kinds = RULES_READ.get(rec.kind)
        if kinds is None or not reason.startswith("rule_refused") or rec.child_uid is None:
            return None
        for uid, (other, _missing) in self.waiting.items():
            if other.kind in kinds and other.child_uid == rec.child_uid:
                return uid
        return self.repo.orphan_about(rec.child_uid, kinds)

    def retry_orphans(self) -> None:
        """Orphans whose parent came meanwhile, until a pass applies none (an orphan may wait for another): this
        page's, then those of earlier pages; what still waits is written to sync_orphans."""
        progress = True
        while progress:
            progress = False
            for uid, (rec, missing) in list(self.waiting.items()):
                if not self._arrived(missing):
                    continue
                del self.waiting[uid]
                if self.record(rec) == "applied":
                    progress = True
            for row in self.repo.orphans():
                if not self._arrived(row["missing"]):
                    continue
                self.repo.drop_orphan(row["uid"])
                if self.record(Received.from_json(row["item"])) == "applied":
                    progress = True
        self.flush()
        self._store_orphans()

    def _store_orphans(self) -> None:
        for rec, missing in self.waiting.values():
            self.repo.add_orphan(seq=rec.seq, uid=rec.uid, kind=rec.kind, missing=missing, item=rec.as_json(),
                                 at=self.at)
        self.waiting = {}

    def _arrived(self, uid: str) -> bool:
        tables = [t for t, _ in identity.TABLES if t != "users"]
        if any((t, uid) in self.ids for t in tables):
            return True
        if uid in self.not_held:  # looked for in this page: whatever arrived since is in self.ids
            return False
        if self.repo.held(uid, tables) or (self.merged_twins and self.aliases.child_id(uid) is not None):
            return True
        self.not_held.add(uid)
        return False
