"""Sync commands: enrol this laptop with the municipal server, sync, and the coordinator's decisions on children
registered twice.
"""

from __future__ import annotations

import argparse
import getpass
import os
from pathlib import Path

from behandlerklient.cli.common import (
    EXIT_OK,
    UsageError,
    unlocked,
)
from behandlerklient.core.errors import InvalidInput

SERVER_PASSWORD_ENV = "BEHANDLERKLIENT_SERVER_PASSWORD"


def _read_pem(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"Kan ikke læse {path}: {exc.__class__.__name__}.") from None


def cmd_sync(args: argparse.Namespace) -> int:
    from behandlerklient import paths
    from behandlerklient.services import sync as syncing

    args.db = getattr(args, "enroll_db", None) or args.db or paths.default_database_path()
    if args.sync_command == "enroll":
        host, _, port = args.server.rpartition(":") if ":" in args.server else (args.server, "", "5432")
        if not port.isdigit():
            raise UsageError(f"'{args.server}' er ikke VÆRT[:PORT]")
        pems = [_read_pem(args.ca), _read_pem(args.cert), _read_pem(args.key)]
        with unlocked(args) as ws:
            password = (os.environ.get(SERVER_PASSWORD_ENV)
                        or getpass.getpass(f"Adgangskode på serveren for {args.user}: "))
            unchecked = syncing.enroll(ws=ws, host=host, port=int(port), user=args.user, password=password,
                                       dbname=args.dbname, ca_pem=pems[0], cert_pem=pems[1], key_pem=pems[2])
        if unchecked:
            print(f"Tilmeldt {host}:{port} som {args.user}. Underskriftsnøglen er ikke tjekket, fordi serveren ikke "
                  f"kunne nås ({unchecked}); første synkronisering tjekker den, før noget sendes.")
        else:
            print(f"Tilmeldt {host}:{port} som {args.user}; serveren har denne computers underskriftsnøgle.")
        return EXIT_OK
    if args.sync_command == "public-key":
        from behandlerklient.services.accounts import key_transfer

        with unlocked(args) as ws:
            fp = key_transfer.write_public_key(ws=ws, out=args.out)
            username = ws.user.username
        print(f"Din offentlige underskriftsnøgle ({username}) er skrevet til {args.out}. Fingeraftryk (SHA-256): {fp}")
        print("Giv filen til serverens administrator; når nøglen er registreret, læser administratoren "
              "fingeraftrykket op, og du tjekker, at det er det samme som her.")
        return EXIT_OK
    if args.sync_command in ("duplicates", "merge"):
        return _cmd_sync_merge(args)
    with unlocked(args) as ws:
        result = syncing.sync(ws=ws)
    print(result.summary())
    return EXIT_OK


def _cmd_sync_merge(args: argparse.Namespace) -> int:
    """The coordinator's task list of children registered twice, and her decision; ids only on the terminal."""
    from behandlerklient.services.sync import merge

    with unlocked(args) as ws:
        if args.sync_command == "merge":
            released = merge.decide_merge(ws=ws, alias_uid=args.alias)
            print(f"Lagt sammen: {args.alias} er samme barn; {released} afviste poster frigivet på serveren.")
            return EXIT_OK
        found = merge.tasks(ws=ws)
    for task in found:
        here = f"barn {task.local_child_id} her" if task.local_child_id is not None else "ingen af dem her"
        print(f"{task.title}: {task.alias_uid} = {task.child_uid} (registreret af {task.registered_by}; {here})")
    if not found:
        print("Ingen børn registreret to gange venter på en afgørelse.")
    return EXIT_OK
