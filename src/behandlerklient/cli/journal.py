"""Commands on the journal's content: a child's journal summary and GP letter as PDF, the child's audit trail,
and SDQ scoring.
"""

from __future__ import annotations

import argparse
import json
import sys

from behandlerklient.cli.common import (
    EXIT_OK,
    unlocked,
)


def cmd_export(args: argparse.Namespace) -> int:
    with unlocked(args) as ws:
        if args.export_command == "journal":
            from behandlerklient.services.documents import documents

            documents.export_journal_summary(ws=ws, child_id=args.child, course_id=args.course, out=args.out)
            written = [args.out]
        else:
            from behandlerklient.services.documents import letters

            written, _changes = letters.export_gp_letter(ws=ws, course_id=args.course, child_id=args.child,
                                                         kind=args.kind, out=args.out, medcom=args.medcom)
    print("Skrev " + ", ".join(str(p) for p in written))
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    from behandlerklient.services.signatures import audit

    with unlocked(args) as ws:
        rows = audit.export_for_child(ws=ws, child_id=args.child)
    json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return EXIT_OK


def cmd_sdq(args: argparse.Namespace) -> int:
    from behandlerklient.core import sdq
    from behandlerklient.services.measures.scoring import score_with_bands

    answers = sdq.parse_answer_list(args.answers, field="answers")
    impact = sdq.parse_answer_list(args.impact, field="impact") if args.impact else None
    result = score_with_bands(args.informant, answers, impact)
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for name, label in sdq.SCALE_LABELS.items():
            band = result["bands"].get(name)
            text = "" if not band else f"  {band['label']}{'' if band['confirmed'] else ' (bånd ikke bekræftet)'}"
            value = result[name]
            print(f"{label:32} {'-' if value is None else value:>3}{text}")
    return EXIT_OK
