"""The triggers that guard the record, compared with the ones the shipped migrations create.

Signed records are frozen by triggers; whoever holds the data key can drop or rewrite one. The expected set is
re-derived by running the migrations into an in-memory database (nothing to keep in step by hand when a
migration adds a trigger), and compared with the file's sqlite_master by name and normalised text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from behandlerklient.storage.database import Database
from behandlerklient.storage.migrate import load_migrations

_SPACE = re.compile(r"\s+")


def normalised(sql: str) -> str:
    """Whitespace differences are not a different trigger."""
    return _SPACE.sub(" ", sql).strip()


def stored(db: Database) -> dict[str, str]:
    """Every trigger in the database's schema: name -> normalised CREATE TRIGGER text."""
    rows = db.query("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    return {r[0]: normalised(r[1] or "") for r in rows}


@functools.lru_cache(maxsize=1)
def expected() -> dict[str, str]:
    """The triggers a database has after every shipped migration (built once per process)."""
    scratch = Database.in_memory()
    try:
        for mig in load_migrations():
            scratch.executescript(mig.sql)
        return stored(scratch)
    finally:
        scratch.close(checkpoint=False)


@dataclass(frozen=True)
class TriggerDiff:
    missing: list[str]
    altered: list[str]
    unexpected: list[str]

    @property
    def ok(self) -> bool:
        return not (self.missing or self.altered or self.unexpected)


def compare(db: Database) -> TriggerDiff:
    want, have = expected(), stored(db)
    return TriggerDiff(missing=sorted(set(want) - set(have)),
                       altered=sorted(n for n in want.keys() & have.keys() if want[n] != have[n]),
                       unexpected=sorted(set(have) - set(want)))
