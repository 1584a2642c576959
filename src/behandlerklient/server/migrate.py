"""Applies the numbered server migrations (migrations/NNNN_*.sql) in order, each in one transaction,
recording them in bk_meta.migrations. Idempotent: a second run applies nothing. Needs a superuser
connection (it creates roles and the pgcrypto and plpython3u extensions)."""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) for every migration file, in order; versions must run 1..n without gaps."""
    found = []
    for entry in resources.files("behandlerklient.server").joinpath("migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    if [version for version, _, _ in found] != list(range(1, len(found) + 1)):
        raise RuntimeError("server migrations must be numbered 1..n without gaps")
    return found


def latest_version() -> int:
    return len(migrations())


def apply(conn: Any) -> list[str]:
    """Brings the database to the latest version; returns the names of the files applied now."""
    applied: list[str] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(7402, 0)")
        conn.execute("CREATE SCHEMA IF NOT EXISTS bk_meta")
        conn.execute("REVOKE ALL ON SCHEMA bk_meta FROM PUBLIC")
        conn.execute("CREATE TABLE IF NOT EXISTS bk_meta.migrations (version int PRIMARY KEY, name text NOT NULL,"
                     " applied_at timestamptz NOT NULL DEFAULT clock_timestamp())")
    for version, name, sql in migrations():
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(7402, 0)")
            done = conn.execute("SELECT 1 FROM bk_meta.migrations WHERE version = %s", (version,)).fetchone()
            if done:
                continue
            conn.execute(sql)
            conn.execute("RESET ROLE")
            conn.execute("INSERT INTO bk_meta.migrations (version, name) VALUES (%s, %s)", (version, name))
            applied.append(name)
    return applied


def current_version(conn: Any) -> int:
    row = conn.execute("SELECT coalesce(max(version), 0) FROM bk_meta.migrations").fetchone()
    return int(row[0])
