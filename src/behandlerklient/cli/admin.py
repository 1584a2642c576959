"""Administration commands: users, keys and passphrases, the recovery key, settings, and who may see what
(caseloads and supervision pairs).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from behandlerklient.cli.common import (
    EXIT_OK,
    NEW_PASSPHRASE_ENV,
    PASSPHRASE_ENV,
    RECOVERY_ENV,
    USER_ENV,
    UsageError,
    ask_profession,
    note_missing_role,
    read_moved_signing_key,
    read_new_passphrase,
    read_passphrase,
    read_signing_key_passphrase,
    unlock,
    unlocked,
)
from behandlerklient.core.errors import InvalidInput


def cmd_user(args: argparse.Namespace) -> int:
    from behandlerklient.services.accounts import users

    if args.user_command == "remove":
        from behandlerklient.services.accounts import keys

        passphrase = read_passphrase()
        from behandlerklient.services.workspace import workspace

        ws = workspace.unlock(path=args.db, passphrase=passphrase, username=args.user)
        try:
            keys.remove_user(ws=ws, username=args.username)
            admin = ws.user.username
        finally:
            ws.close()
        print(f"Fjernede adgangen for {args.username}.")
        if args.rotate or (sys.stdin and sys.stdin.isatty() and not os.environ.get(PASSPHRASE_ENV) and input(
                "Skift databasens nøgle nu, så gamle kopier af nøglefilen ikke virker? [j/N] ").strip().lower() == "j"):
            return rotate(args.db, passphrase, admin)
        print("Gamle kopier af nøglefilen og sikkerhedskopier åbner stadig databasen, til nøglen skiftes: "
              "behandlerklient keys rotate (docs/keys.md).")
        return EXIT_OK
    if args.user_command == "profile":
        with unlocked(args) as ws:
            changed, _ = users.set_profile(ws=ws, username=args.username, profession=args.profession,
                                           title=args.title)
        print(f"{changed.username}: {changed.role_text}")
        return EXIT_OK
    if args.user_command == "list":
        args.user = os.environ.get(USER_ENV)
        ws = unlock(args)
        try:
            for u in users.list_users(ws=ws):
                print(f"{u.username}\t{u.role}\t{u.full_name}")
        finally:
            ws.close()
        return EXIT_OK
    with unlocked(args) as ws:
        admin_passphrase = os.environ.get(PASSPHRASE_ENV) or ""
        new_passphrase = os.environ.get(NEW_PASSPHRASE_ENV)
        if not new_passphrase:
            if not sys.stdin or not sys.stdin.isatty():
                raise UsageError(f"den nye brugers adgangskode: skriv den ved prompten eller sæt {NEW_PASSPHRASE_ENV}")
            new_passphrase = getpass.getpass(f"Adgangskode til {args.username}: ")
        if not admin_passphrase:
            admin_passphrase = getpass.getpass("Administratorens adgangskode (igen): ")
        moved = read_moved_signing_key(args.signing_key, args.username)
        user, _ = users.add_user(ws=ws, admin_passphrase=admin_passphrase, username=args.username,
                                 full_name=args.name, role=args.role, passphrase=new_passphrase, title=args.title,
                                 phone=args.phone, profession=ask_profession(args), signing_key=moved)
    print(f"Oprettede brugeren {user.username} ({user.role}).")
    note_missing_role(user)
    return EXIT_OK


def rotate(db: Path, passphrase: str, username: str | None) -> int:
    from behandlerklient.services.accounts import rotation

    result = rotation.rotate_data_key(db_path=db, passphrase=passphrase, username=username)
    print(f"Databasen er krypteret om med en ny nøgle. Adgang har: {', '.join(sorted(result.kept_users))} "
          "(med deres hidtidige adgangskoder). Tidligere nøglefiler og sikkerhedskopier åbner den ikke mere.")
    if result.dropped:
        print(f"Kunne ikke overføres (ældre nøgleformat): {', '.join(result.dropped)}. Opret dem igen "
              "(gendannelsesnøgle: behandlerklient recovery create).")
    return EXIT_OK


def cmd_keys(args: argparse.Namespace) -> int:
    if args.keys_command == "export-signing":
        return export_signing(args)
    return rotate(args.db, read_passphrase(), args.user)


def export_signing(args: argparse.Namespace) -> int:
    """The unlocked user's signing key, sealed under a passphrase she chooses now, for her second laptop."""
    from behandlerklient.services.accounts import key_transfer

    with unlocked(args) as ws:
        passphrase = read_signing_key_passphrase("Vælg en adgangskode til filen med din underskriftsnøgle: ",
                                                 confirm=True)
        fp = key_transfer.export_signing_key(ws=ws, passphrase=passphrase, out=args.out)
        username = ws.user.username
    print(f"Din underskriftsnøgle ({username}, fingeraftryk {fp}) er skrevet krypteret til {args.out}. Opret "
          f"journalen på den anden computer med 'behandlerklient init --db DATABASE --user {username} "
          f"--signing-key {args.out.name}', og slet filen bagefter. Filen og dens adgangskode skal holdes adskilt.")
    return EXIT_OK


def cmd_passphrase(args: argparse.Namespace) -> int:
    from behandlerklient.services.accounts import keys

    old = read_passphrase()
    from behandlerklient.services.workspace import workspace

    ws = workspace.unlock(path=args.db, passphrase=old, username=args.user)
    new = read_new_passphrase("Ny adgangskode: ")
    try:
        keys.change_passphrase(ws=ws, old=old, new=new)
        username = ws.user.username
    finally:
        ws.close()
    if args.rotate:
        print("Adgangskoden er skiftet.")
        return rotate(args.db, new, username)
    print("Adgangskoden er skiftet; databasen er ikke krypteret om (behandlerklient keys rotate).")
    return EXIT_OK


def cmd_recovery(args: argparse.Namespace) -> int:
    from behandlerklient.services.accounts import keys

    if args.recovery_command == "reset":
        code = os.environ.get(RECOVERY_ENV) or (getpass.getpass("Gendannelsesnøgle: ") if sys.stdin and
                                                sys.stdin.isatty() else "")
        if not code:
            raise UsageError(f"gendannelsesnøglen: skriv den ved prompten eller sæt {RECOVERY_ENV}")
        keys.reset_with_recovery(db_path=args.db, username=args.user, recovery_code=code,
                                 new_passphrase=read_new_passphrase("Ny adgangskode: "))
        print(f"Ny adgangskode sat for {args.user}.")
        return EXIT_OK
    from behandlerklient.exports import recovery_sheet
    from behandlerklient.exports.pdf_base import write_file

    if args.out.exists():
        raise InvalidInput(f"Filen findes allerede: {args.out}")
    passphrase = read_passphrase()
    from behandlerklient.services.workspace import workspace

    ws = workspace.unlock(path=args.db, passphrase=passphrase, username=args.user)
    try:
        code = keys.create_recovery_key(ws=ws, passphrase=passphrase)
        write_file(recovery_sheet.render(code=code, municipality="", database_name=args.db.name,
                                         created_by=ws.user.full_name, created_at=ws.clock().astimezone()), args.out)
    finally:
        ws.close()
    print(f"Gendannelsesnøglen er skrevet i {args.out}. Udskriv arket, opbevar det aflåst, og slet filen.")
    return EXIT_OK


def cmd_settings(args: argparse.Namespace) -> int:
    from behandlerklient.services.workspace import settings

    with unlocked(args) as ws:
        if args.settings_command == "set":
            settings.put(ws=ws, key=args.key, value=args.value)
        for key, s in settings.SETTINGS.items():
            print(f"{key}={settings.get(ws=ws, key=key)}\t# {s.label}")
    return EXIT_OK


def cmd_caseload(args: argparse.Namespace) -> int:
    from behandlerklient.services.accounts import access

    with unlocked(args) as ws:
        kind = "shared" if getattr(args, "shared", False) else "caseload"
        if args.caseload_command == "grant":
            access.grant(ws=ws, child_id=args.child, username=args.therapist, kind=kind)
        elif args.caseload_command == "revoke":
            access.revoke(ws=ws, child_id=args.child, username=args.therapist, kind=kind)
        for g in access.holders(ws=ws, child_id=args.child):
            print(f"{g.username}\t{g.kind}\t{g.full_name}")
    return EXIT_OK


def cmd_supervision(args: argparse.Namespace) -> int:
    from behandlerklient.services.accounts import access

    with unlocked(args) as ws:
        if args.supervision_command == "add":
            access.add_pair(ws=ws, supervisor=args.supervisor, therapist=args.therapist)
        elif args.supervision_command == "remove":
            access.revoke_pair(ws=ws, supervisor=args.supervisor, therapist=args.therapist)
        for p in access.pairs(ws=ws):
            print(f"{p.supervisor}\t{p.therapist}")
    return EXIT_OK
