"""No LLVM compilation on the laptops' calls (issue 14: a pull page flat, a sync with nothing new under 100 ms).
A pull page of a therapist with 500 children was estimated above jit_above_cost and paid 400-650 ms of JIT
compilation for statements that run in 15-30 ms (server migration 0014)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.server.explain import nested_plans
from tests.server.records import item, new_child, push

SRC = Path(__file__).resolve().parents[2] / "src" / "behandlerklient"
CALLERS = [SRC / "storage" / "sync_server.py", SRC / "server" / "admin.py",
           *sorted((SRC / "services" / "sync").glob("*.py"))]


def _called_functions() -> set[str]:
    """The bk functions the laptop and the admin CLI call, read from their source."""
    names: set[str] = set()
    for path in CALLERS:
        names |= set(re.findall(r"\bbk\.([a-z_]+)\(", path.read_text(encoding="utf-8")))
    return names


def test_every_function_a_laptop_or_the_admin_calls_runs_without_jit(server) -> None:  # noqa: ANN001
    called = _called_functions()
    assert {"push", "pull", "grants", "child_history"} <= called, called
    with server.admin() as conn:
        rows = conn.execute("SELECT p.proname, coalesce(p.proconfig, '{}') FROM pg_proc p "
                            "JOIN pg_namespace n ON n.oid = p.pronamespace "
                            "WHERE n.nspname = 'bk' AND p.proname = ANY (%s)", (sorted(called),)).fetchall()
    found = {name for name, _ in rows}
    assert called - found <= {"record"}, called - found  # every called name is a function of the schema
    assert [name for name, config in rows if "jit=off" not in config] == []


def test_a_push_and_a_pull_compile_nothing_even_where_jit_would_compile_everything(server) -> None:  # noqa: ANN001
    child = new_child(server, ("t01", "caseload"))
    with server.admin() as conn:
        conn.execute("SET jit = on")  # pg_jit_available() is false while jit is off (the database's default now)
        jit_available = bool(conn.execute("SELECT pg_jit_available()").fetchone()[0])

        def control(c: Any) -> None:  # the same session setting makes an ordinary statement compile
            c.execute("SET jit = on")
            c.execute("SET jit_above_cost = 0")
            c.execute("SELECT count(*) FROM bk.record")

        control_plans = nested_plans(conn, control)
        assert control_plans, "auto_explain logged nothing"
        assert jit_available == any("JIT:" in plan for plan in control_plans)

        def sync(c: Any) -> None:
            c.execute("SET ROLE t01")
            push(c, [item(server, "t01", kind, child) for kind in ("children", "courses", "journal_entries")])
            assert len(c.execute("SELECT * FROM bk.pull(0, 1000)").fetchall()) >= 3
            c.execute("SELECT * FROM bk.grants(0)").fetchall()
            c.execute("RESET ROLE")

        plans = nested_plans(conn, sync)
    # The test's own calls run with the session's jit = on and compile (a laptop's session has the database's
    # default, off); what counts is every statement inside the functions, which runs with the function's setting.
    own = ("SELECT uid, status FROM bk.push(", "SELECT * FROM bk.pull(", "SELECT * FROM bk.grants(", "RESET ROLE")
    nested = [plan for plan in plans if not plan.split("Query Text: ", 1)[-1].startswith(own)]
    assert any("pull_scan" in plan or "pull_candidates" in plan for plan in nested), \
        "the functions' own statements were not logged"
    assert [plan[:300] for plan in nested if "JIT:" in plan] == []
