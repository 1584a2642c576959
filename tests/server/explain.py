"""The plans PostgreSQL runs for a call, nested statements included (auto_explain), for tests that check how the
server's functions read, not only what they return."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def nested_plans(conn: Any, work: Callable[[Any], None]) -> list[str]:
    """The plans auto_explain logs for every statement, nested ones too, while `work` runs on `conn` (a superuser's
    connection: LOAD needs it)."""
    logged: list[str] = []
    conn.add_notice_handler(lambda diag: logged.append(diag.message_primary or ""))
    for setting in ("LOAD 'auto_explain'", "SET auto_explain.log_min_duration = 0",
                    "SET auto_explain.log_nested_statements = on", "SET auto_explain.log_analyze = on",
                    "SET client_min_messages = log"):
        conn.execute(setting)
    work(conn)
    conn.execute("RESET client_min_messages")
    return [text for text in logged if "plan:" in text]
