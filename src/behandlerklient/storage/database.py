"""The one place that opens SQLCipher: key first, a cheap check, pragmas once, explicit transactions."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlcipher3 import dbapi2

from behandlerklient.core import limits, search_terms, uid
from behandlerklient.core.errors import (
    CorruptDatabase,
    DatabaseLocked,
    KnownError,
    StorageFull,
    StorageUnwritable,
)
from behandlerklient.storage.identity import SHARED_TABLES, device_uid

log = logging.getLogger(__name__)

KEY_BYTES = 32
# Sized to the working set of a municipality's database: without it SQLCipher re-decrypts pages
# on every read (performance.md: 2x slower random reads at the default cache).
CACHE_KIB = 64_000

# Every connection's settings once the key is proven (the benchmark's plain copy takes the same ones).
# FULL: a signed journal entry survives power loss once the commit returns.
CONNECTION_PRAGMAS = ("foreign_keys = ON", "journal_mode = WAL", "synchronous = FULL", "temp_store = MEMORY",
                      f"cache_size = -{CACHE_KIB}")

DatabaseError = dbapi2.DatabaseError
IntegrityError = dbapi2.IntegrityError
# A value SQLite cannot store (an object or a list where a column wants text or a number): what a received record
# of the wrong shape raises where it is written, as the schema's refusal is an IntegrityError.
BindError = dbapi2.InterfaceError


def translate_error(exc: Exception, path: Path | None = None) -> Exception:
    """Map driver errors the user can act on to KnownErrors; anything else stays a bug."""
    code = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return StorageFull("Disken er fuld. Frigør plads og prøv igen; intet gemt er gået tabt.")
        if exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM):
            return StorageUnwritable(f"Der er ikke skriveadgang til mappen {path.parent if path else ''}.".strip())
        return exc
    if code.startswith("SQLITE_FULL") or "disk is full" in text:
        return StorageFull("Disken er fuld. Frigør plads og prøv igen; intet gemt er gået tabt.")
    if code.startswith("SQLITE_BUSY") or code.startswith("SQLITE_LOCKED") or "database is locked" in text:
        return DatabaseLocked("Databasen er i brug af et andet program (eller en anden Behandlerklient). "
                              "Luk det og prøv igen.")
    if code.startswith("SQLITE_READONLY") or "readonly" in text:
        return StorageUnwritable("Databasen kan ikke skrives: filen eller mappen er skrivebeskyttet.")
    if code.startswith("SQLITE_NOTADB") or "not a database" in text:
        return CorruptDatabase("Filen er ikke en Behandlerklient-database, eller den hører ikke til denne nøgle.")
    if code.startswith("SQLITE_CORRUPT") or "malformed" in text:
        return CorruptDatabase("Databasefilen er beskadiget. Gendan fra en sikkerhedskopi.")
    if code.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        return StorageUnwritable(f"Databasefilen kan ikke åbnes{f' i {path.parent}' if path else ''}.")
    if code.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return StorageUnwritable("Der opstod en fejl ved læsning eller skrivning af disken. Intet gemt er ændret.")
    return exc


class Database:
    """An open, unlocked SQLCipher database. Use `transaction()` for every write."""

    def __init__(self, conn: Any, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._depth = 0
        # Signing keys of users unlocked on this connection (user id -> services.signatures.seal.Signer).
        self.signers: dict[int, Any] = {}
        # Audit rows written in the open transaction, not yet signed; `before_commit` signs them.
        self.unsealed_audit: list[tuple[int, int, str]] = []
        self.before_commit: Any = None
        self._bulk = False  # see transaction(bulk=True)
        self._flat = False  # see transaction(flat=True)
        self._bulk_failed = False
        self._hooks: dict[str, Any] = {}  # per transaction: key -> object with flush() and discard()
        self._device: str | None = None
        self._has_uid: dict[str, bool] = {}  # shared table -> has the schema-13 identity columns yet
        self._terms_later = False  # see search_terms_later()
        # The children's insert trigger asks it whether their search terms are written now (migration 0026). A weak
        # reference: the connection holds the function, and must not keep this object alive.
        this = weakref.ref(self)
        conn.create_function("search_terms_now", 0, lambda: 0 if (db := this()) is not None and db._terms_later
                             else 1)

    @classmethod
    def open(cls, path: Path, key: bytes, *, create: bool = False) -> "Database":
        if len(key) != KEY_BYTES:
            raise ValueError("the data key must be 32 bytes")
        path = Path(path)
        if not create and not path.exists():
            raise KnownError(f"Databasen findes ikke: {path}")
        if not create and path.stat().st_size == 0:
            # SQLite would treat an empty file as a new database and we would silently start a blank journal.
            raise CorruptDatabase("Databasefilen er tom (0 byte). Gendan den fra en sikkerhedskopi.")
        if create and path.exists() and path.stat().st_size > 0:
            raise KnownError(f"Der findes allerede en fil her: {path}")
        try:
            conn = sqlcipher3.connect(str(path), isolation_level=None, timeout=2.0)
        except Exception as exc:  # noqa: BLE001 - translated or re-raised
            raise translate_error(exc, path) from None
        try:
            # SQLCipher logs decryption failures to stderr by default; the app reports them itself.
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
            # A cheap read proves the key before anything could write to the file.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            for pragma in CONNECTION_PRAGMAS:
                conn.execute(f"PRAGMA {pragma}").fetchall()
            _add_functions(conn)
        except Exception as exc:  # noqa: BLE001
            conn.close()
            raise translate_error(exc, path) from None
        conn.row_factory = dbapi2.Row
        if create and os.name == "posix":
            os.chmod(path, 0o600)  # journal data: readable by its user only (WAL/SHM inherit this mode)
        return cls(conn, path)

    @classmethod
    def in_memory(cls) -> "Database":
        """A plain scratch database with the same SQL functions, e.g. to build the schema the migrations make."""
        conn = sqlcipher3.connect(":memory:", isolation_level=None)
        _add_functions(conn)
        conn.row_factory = dbapi2.Row
        return cls(conn, Path(":memory:"))

    def close(self, *, checkpoint: bool = True) -> None:
        """A worker's second connection skips the checkpoint: the window's connection may be mid-read."""
        if self._conn is not None:
            if checkpoint:
                with contextlib.suppress(Exception):
                    self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._conn.close()
            self._conn = None

    @property
    def closed(self) -> bool:
        return self._conn is None

    @contextlib.contextmanager
    def transaction(self, *, bulk: bool = False, flat: bool = False) -> Iterator["Database"]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception; nested calls use savepoints.

        flat=True (outermost only) is for one all-or-nothing transaction of many rows (an import): nested calls
        join it without savepoints. A failure inside any nested call rolls the whole transaction back, even if a
        caller caught it, so no half-written record can be committed. (With a savepoint open, SQLite copies every
        page the transaction already held into the in-memory sub-journal when it is changed, and walks that
        journal at the end of each statement: an import's audit rows cost time and memory that grew with the file.)
        bulk=True is flat, and work registered with `defer` (the audit chain's rows) is written once, just before
        COMMIT: for building many records at once (the demo database)."""
        conn = self._conn
        if self._depth == 0:
            self._exec("BEGIN IMMEDIATE")
            self._bulk, self._flat, self._bulk_failed = bulk, bulk or flat, False
        elif self._flat:
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._bulk_failed = True
                raise
            finally:
                self._depth -= 1
            return
        else:
            self._exec(f"SAVEPOINT sp{self._depth}")
        self._depth += 1
        try:
            yield self
            if self._depth == 1:
                if self._bulk_failed:
                    raise RuntimeError("a step of the bulk or flat transaction failed; nothing of it is kept")
                for hook in self._hooks.values():
                    hook.flush()
                if self.before_commit is not None:
                    self.before_commit(self)  # still inside the transaction, after the deferred writes
        except BaseException:
            self._depth -= 1
            with contextlib.suppress(Exception):
                if self._depth == 0:
                    self.unsealed_audit.clear()
                    self._end_hooks()
                    conn.execute("ROLLBACK")
                else:
                    conn.execute(f"ROLLBACK TO sp{self._depth}")
                    conn.execute(f"RELEASE sp{self._depth}")
            raise
        else:
            self._depth -= 1
            if self._depth == 0:
                self._end_hooks()
                try:
                    conn.execute("COMMIT")
                except Exception as exc:
                    with contextlib.suppress(Exception):
                        conn.execute("ROLLBACK")
                    raise translate_error(exc, self.path) from None
            else:
                self._exec(f"RELEASE sp{self._depth}")

    def _end_hooks(self) -> None:
        hooks, self._hooks, self._bulk, self._flat = self._hooks, {}, False, False
        for hook in hooks.values():
            hook.discard()

    @contextlib.contextmanager
    def search_terms_later(self) -> Iterator[None]:
        """Children inserted meanwhile are listed in child_search_pending instead of getting their search terms row
        by row; storage/search_index.write_pending writes them (a fresh laptop's pull: migration 0026)."""
        before, self._terms_later = self._terms_later, True
        try:
            yield
        finally:
            self._terms_later = before

    @property
    def bulk(self) -> bool:
        """Inside transaction(bulk=True): writes may be deferred to its end with `defer`."""
        return self._bulk and self._depth > 0

    def defer(self, key: str, make: Any) -> Any:
        """The bulk transaction's deferred writer for `key` (made by `make()` on first use): its flush() runs just
        before COMMIT, its discard() when the transaction ends either way."""
        if not self.bulk:
            raise RuntimeError("defer() needs transaction(bulk=True)")
        if key not in self._hooks:
            self._hooks[key] = make()
        return self._hooks[key]

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def _translated(self, call, *args):  # noqa: ANN001, ANN202
        """Run a driver call; errors the user can act on become KnownErrors, constraint violations stay as they are."""
        try:
            return call(*args)
        except dbapi2.IntegrityError:
            raise
        except Exception as exc:  # noqa: BLE001
            translated = translate_error(exc, self.path)
            if translated is exc:
                raise
            raise translated from None

    def _exec(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        return self._translated(self._conn.execute, sql, params)

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        return self._exec(sql, params)

    def executemany(self, sql: str, rows: Any) -> Any:
        return self._translated(self._conn.executemany, sql, rows)

    def executescript(self, sql: str) -> None:
        self._translated(self._conn.executescript, sql)

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Any]:
        return self._exec(sql, params).fetchall()

    def query_one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        return self._exec(sql, params).fetchone()

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = self._exec(sql, params).fetchone()
        return None if row is None else row[0]

    def insert(self, table: str, values: dict[str, Any]) -> int:
        limits.check_row(table, values)  # every row a service or an import writes: no unbounded text
        if table in SHARED_TABLES and self._identified(table):
            values = {**values, "uid": values.get("uid") or uid.uuid7(),
                      "origin_device": values.get("origin_device") or self.device_uid}
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cur = self._exec(f"INSERT INTO {table} ({cols}) VALUES ({marks})", tuple(values.values()))
        return int(cur.lastrowid)

    def _identified(self, table: str) -> bool:
        known = self._has_uid.get(table)
        if known is None:
            known = self._has_uid[table] = any(r[1] == "uid" for r in self.query(f"PRAGMA table_info({table})"))
        return known

    @property
    def device_uid(self) -> str:
        """This installation's device id (schema 13 on), read once per connection."""
        if self._device is None:
            self._device = device_uid(self)
            if self._device is None:
                raise RuntimeError("the database has no device id before schema 13")
        return self._device

    def schema_changed(self) -> None:
        """A migration ran on this connection: forget what was read about the schema."""
        self._device, self._has_uid = None, {}

    @property
    def user_version(self) -> int:
        return int(self.scalar("PRAGMA user_version"))

    def cipher_version(self) -> str:
        return str(self.scalar("PRAGMA cipher_version"))

    def checkpoint(self) -> None:
        self._exec("PRAGMA wal_checkpoint(TRUNCATE)")


def _add_functions(conn: Any) -> None:
    # The search index's triggers compute a child's search terms with the same code as the query side.
    conn.create_function("search_terms", 3, search_terms.terms_json, deterministic=True)
    # Global ids for the schema-13 back-fill and any statement that makes them in SQL (not deterministic).
    conn.create_function("uuid7", 0, lambda: uid.uuid7())  # late-bound: one generator for SQL and Python


def sqlcipher_version() -> str:
    """SQLCipher's version, from a throwaway in-memory database."""
    conn = sqlcipher3.connect(":memory:")
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        return str(conn.execute("PRAGMA cipher_version").fetchone()[0])
    finally:
        conn.close()
