"""Report commands: activity and manual fidelity for a period, and the national monitoring data set.
"""

from __future__ import annotations

import argparse
import sys

from behandlerklient.cli.common import (
    EXIT_OK,
    UsageError,
    unlocked,
)
from behandlerklient.core.errors import InvalidInput


def cmd_report(args: argparse.Namespace) -> int:
    from behandlerklient.services.reports import reports

    if args.report_command == "monitoring":
        return cmd_monitoring(args)
    if args.format == "pdf" and args.out is None:
        raise UsageError("en PDF skal have --out FIL.pdf")
    with unlocked(args) as ws:
        data = reports.render(ws=ws, kind=args.report_command, fmt=args.format, start=args.start, end=args.end,
                              therapist_id=getattr(args, "therapist", None))
        reports.write(data=data, out=args.out)
    if args.out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        print(f"Skrev {args.out}")
    return EXIT_OK


def cmd_monitoring(args: argparse.Namespace) -> int:
    from behandlerklient.services.reports import monitoring, reports

    if args.cpr and (args.out is None or args.recipient_key is None):
        raise UsageError("den CPR-nøglede udgave skrives kun krypteret: angiv --out FIL og --recipient-key NØGLE.pem")
    if not args.cpr and args.recipient_key is not None:
        raise UsageError("--recipient-key hører til --cpr")
    with unlocked(args) as ws:
        if args.cpr:
            try:
                key = args.recipient_key.read_bytes()
            except OSError as exc:
                raise InvalidInput(f"Modtagerens nøgle kan ikke læses: {args.recipient_key} "
                                   f"({exc.strerror}).") from None
            data = monitoring.render_for_register(ws=ws, start=args.start, end=args.end, fmt=args.format,
                                                  recipient_key=key, recipient=args.recipient, basis=args.basis)
        else:
            data = monitoring.render(ws=ws, start=args.start, end=args.end, fmt=args.format)
        reports.write(data=data, out=args.out)
    if args.out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        print(f"Skrev {args.out}")
    return EXIT_OK
