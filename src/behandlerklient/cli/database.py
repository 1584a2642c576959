"""Commands on the database as a whole: create it, fill it with demo data, check it, list it, export and import
it, back it up and restore it.
"""

from __future__ import annotations

import argparse
import json
import sys

from behandlerklient.cli.common import (
    EXIT_INPUT,
    EXIT_OK,
    ask_profession,
    note_missing_role,
    read_moved_signing_key,
    read_passphrase,
    unlocked,
)
from behandlerklient.core.errors import InvalidInput


def progress_printer():
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\rDemodata: {done}/{total} børn", end=end, file=sys.stderr, flush=True)

    return show


def cmd_init(args: argparse.Namespace) -> int:
    from behandlerklient.services.workspace import workspace

    profession = ask_profession(args)
    moved = read_moved_signing_key(args.signing_key, args.user)
    ws = workspace.create(path=args.db, username=args.user, full_name=args.name or args.user,
                          passphrase=read_passphrase(confirm=True), role=args.role, title=args.title,
                          phone=args.phone, profession=profession, signing_key=moved)
    ws.close()
    print(f"Oprettede krypteret database {args.db} med brugeren {args.user}.")
    if moved is not None:
        from behandlerklient.services.accounts import key_transfer

        print(f"Underskriftsnøglen fra {args.signing_key.name} er taget i brug (fingeraftryk "
              f"{key_transfer.public_fingerprint(moved)}); slet filen, når denne computer er tilmeldt serveren.")
    note_missing_role(ws.user)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from behandlerklient.services.demo import demo

    if not 0 <= args.children <= 100_000:
        raise InvalidInput("--children skal være mellem 0 og 100000.")
    with unlocked(args) as ws:
        res = demo.generate(ws=ws, children_count=args.children, seed=args.seed, progress=progress_printer())
    print(f"Tilføjede {res.children} børn, {res.courses} forløb og {res.sessions} sessioner.")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from behandlerklient.services.signatures import anchor
    from behandlerklient.services.verify import integrity

    with unlocked(args) as ws:
        checks = integrity.verify(ws=ws)
        if args.against:
            checks.append(integrity.Check(*anchor.check(ws.db, anchor.read(args.against), args.against.name)))
    for c in checks:
        print(f"{'OK ' if c.ok else 'FEJL'} {c.name}: {c.detail}")
    if all(c.ok for c in checks):
        return EXIT_OK
    print("fejl: databasen bestod ikke kontrollen", file=sys.stderr)
    return EXIT_INPUT


def cmd_list(args: argparse.Namespace) -> int:
    from behandlerklient.services.reports import listing

    with unlocked(args) as ws:
        rows = listing.children(ws=ws) if args.what == "children" else listing.courses(ws=ws)
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for r in rows:
            print("\t".join(str(v) for v in r.values()))
    return EXIT_OK


def cmd_export_json(args: argparse.Namespace) -> int:
    from behandlerklient.services.exchange import transfer

    with unlocked(args) as ws:
        # Written while it is read: a 10,000-child database never stands whole in memory
        # (services/exchange/transfer.py).
        transfer.write_export(ws=ws, out=sys.stdout)
    sys.stdout.write("\n")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from behandlerklient.services.exchange import transfer

    try:
        source = args.file.open("rb")
    except FileNotFoundError:
        raise InvalidInput(f"Filen findes ikke: {args.file}") from None
    except OSError as exc:
        raise InvalidInput(f"Filen {args.file} kan ikke læses ({exc.strerror}).") from None
    # Read as a stream, one row at a time, inside the import's one transaction (services/exchange/json_stream.py).
    with source, unlocked(args) as ws:
        counts, _ = transfer.import_stream(ws=ws, source=source, origin=args.file.name)
    print("Importerede " + ", ".join(f"{n} {t}" for t, n in counts.items()) + ".")
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from behandlerklient.services.workspace import backup

    with unlocked(args) as ws:
        backup.backup(ws=ws, out=args.out, force=args.force)
    print(f"Skrev krypteret sikkerhedskopi {args.out}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from behandlerklient.services.workspace import backup

    backup.restore(backup_file=args.backup, db_path=args.db, passphrase=read_passphrase(), username=args.user,
                   force=args.force)
    print(f"Gendannede {args.db} fra {args.backup}")
    return EXIT_OK
