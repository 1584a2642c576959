"""`python -m bench.verify` times verify (issue 12: under 30 s at 10,000 children); at a small size it must run
every check and report them all, or its figure would time less than verify does."""

from __future__ import annotations

from pathlib import Path

from behandlerklient.security import keyfile
from tests.conftest import PASSPHRASE

EVERY_CHECK = ["sqlcipher", "integrity", "schema", "triggers", "foreign_keys", "audit_chain", "search_index",
               "signing_keys", "signatures", "audit_signatures"]


def test_the_verify_bench_times_every_check_of_a_small_demo_database() -> None:
    from bench.verify import run

    r = run(children=3, runs=2)
    assert r["children"] == 3 and r["runs"] == 2
    assert r["checks"] == EVERY_CHECK and not r["failed"]
    assert r["wall_s"] > 0 and r["cpu_s"] > 0 and r["load"] >= 0


def test_the_verify_bench_copies_the_database_it_is_given(ws) -> None:  # noqa: ANN001
    from bench.verify import run

    path = Path(ws.path)
    ws.close()
    before = path.read_bytes(), keyfile.keyfile_path(path).read_bytes()
    r = run(source=path, runs=1, passphrase=PASSPHRASE)
    assert r["checks"] == EVERY_CHECK and not r["failed"]
    assert (path.read_bytes(), keyfile.keyfile_path(path).read_bytes()) == before
