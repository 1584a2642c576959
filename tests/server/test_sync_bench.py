"""bench/sync.py must keep running: at a small size (2 therapists' laptops of 3 demo children) it measures and
reports every figure of issue 14's speed targets, with bytes on the wire for each, so a change that breaks the bench
(a rule it runs into, a renamed call) fails here rather than the next time someone measures."""

from __future__ import annotations

from bench import sync as bench


def test_the_sync_bench_reports_every_figure_of_a_small_municipality(server) -> None:  # noqa: ANN001
    # `server`: the session's cluster, only for its check that PostgreSQL is here (the bench starts its own)
    result = bench.run(children=6, repeat=1, therapists=2)

    for key in bench.TARGETS:
        figure = result[key.removesuffix("_s")]
        assert figure["s"] > 0 and figure["bytes"] > 0, (key, figure)
    upload = result["first_upload"]
    assert upload["sent"] > 0 and upload["refused"] == 0 and upload["sent"] <= result["records"], upload
    # Nothing the bench makes is refused: no demo record signed before its child's registration, and no fresh
    # laptop (bt01's second, the supervisor's, the coordinator's) signing with a key the server does not hold for
    # its user (their audit chains were quarantined as bad_signature).
    assert result["server_quarantine"] == {}, result["server_quarantine"]
    for label in ("therapist_ready", "supervisor_ready", "coordinator_ready"):
        got = result[label]
        assert got["received"] > 0 and got["visible"] >= got["received"], (label, got)
        # replayed without the server, the same pull applies the same records
        assert got["replay_s"] > 0 and got["replay_received"] == got["received"], (label, got)
    for key in ("pull_page_small_ms", "pull_page_full_ms", "pull_page_full_first_ms", "pull_page_ratio"):
        assert result[key] > 0, key
    lines = bench.report(result)
    for key in bench.TARGETS:
        assert any(line.startswith(key.removesuffix("_s")) for line in lines), key
