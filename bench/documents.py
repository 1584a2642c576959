"""Benchmark: journal summary PDF of a course with 60 sessions (target: under 1 s on a 2-core laptop).

Run: python -m bench.documents [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from behandlerklient.core.models import GeneralPractitioner, Guardian
from behandlerklient.security import kdf
from behandlerklient.services.documents import documents, letters
from behandlerklient.services.journal import sessions
from behandlerklient.services.pathway import pathway, records
from behandlerklient.services.registration import children
from behandlerklient.services.workspace import workspace


def _course_with_sessions(ws: workspace.Workspace, n: int) -> tuple[int, int]:
    gp = GeneralPractitioner(None, "Lægehuset Ærøskøbing", "Søren Ågård", "Vestergade 1", "5970", "Ærøskøbing",
                             "62 52 11 11", "456789012345678", "5790001234560")
    child = children.register_child(ws=ws, first_name="Åse", last_name="Ærenlund", cpr="010316-4006", gp=gp,
                                    guardians=[Guardian(None, "Mette Ærenlund", "mother", True)]).child
    child = children.overview(ws=ws, child_id=child.id, log_view=False).child
    start = date(2025, 1, 6)
    for kind, party in (("treatment", ""), ("share", "gp")):
        rid, _ = records.save(ws=ws, kind="consent", values={"child_id": child.id, "kind": kind, "party": party,
                                                             "given_by": "custody_holder",
                                                             "guardian_id": child.guardians[0].id, "given_on": start})
        records.sign_confirmed(ws=ws, kind="consent", record_id=rid)
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="pmto", start_date=start, planned_sessions=25,
                                 reason="Benchmark").course
    for i in range(n):
        s, _ = sessions.start_session(ws=ws, course_id=course.id, on=start + timedelta(days=3 * i),
                                      reason="Benchmark" if i >= 25 else "")
        s.parts.status = "Forældrene har øvet gode beskeder fem gange; det går bedre om morgenen. " * 2
        s.parts.exercise = "Rollespil af grænsesætning med æ, ø og å; forældrene øvede roligt nej. " * 2
        sessions.finish_confirmed(ws=ws, session=s)
    return child.id, course.id


def run(repeat: int = 7, sessions_count: int = 60) -> dict:
    kdf.set_default(kdf.ScryptParams(n=2**10))  # the KDF is not what is measured here
    with tempfile.TemporaryDirectory(prefix="bk-bench-") as tmp:
        ws = workspace.create(path=Path(tmp) / "bench.db", username="bench", full_name="Bente Bench",
                              passphrase="benchmark-kode", role="therapist", title="Psykolog", phone="59 66 60 00")
        try:
            child_id, course_id = _course_with_sessions(ws, sessions_count)
            summary, letter = [], []
            for _ in range(repeat):
                t = time.perf_counter()
                pdf = documents.journal_summary_pdf(ws=ws, child_id=child_id, course_id=course_id)
                summary.append(time.perf_counter() - t)
            for _ in range(repeat):
                t = time.perf_counter()
                letters.preview(ws=ws, course_id=course_id, kind="start")
                letter.append(time.perf_counter() - t)
        finally:
            ws.close()
    return {"journal_pdf_60_sessions_s": {"median": statistics.median(summary), "max": max(summary),
                                          "bytes": len(pdf), "target": 1.0},
            "gp_letter_preview_s": {"median": statistics.median(letter), "max": max(letter)}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = run(args.repeat)
    print(f"{'benchmark':34} {'median':>9} {'max':>9}")
    for name, r in result.items():
        print(f"{name:34} {r['median'] * 1000:7.0f} ms {r['max'] * 1000:7.0f} ms")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    ok = result["journal_pdf_60_sessions_s"]["median"] < 1.0
    print("OK: under 1 s" if ok else "OVER TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
