"""What every command shares: exit codes, the environment's names, usage errors, the passphrase prompt and the
unlock. Exit codes: 0 success, 1 other failure, 2 usage error, 3 cannot unlock, 4 invalid input data, 5 refused
by a rule.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
from pathlib import Path
from typing import NoReturn

from behandlerklient.core.errors import InvalidInput
from behandlerklient.core.models import User
from behandlerklient.core.vocab import PROFESSIONS

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_UNLOCK, EXIT_INPUT, EXIT_RULE = 0, 1, 2, 3, 4, 5
PASSPHRASE_ENV = "BEHANDLERKLIENT_PASSPHRASE"
USER_ENV = "BEHANDLERKLIENT_USER"
NEW_PASSPHRASE_ENV = "BEHANDLERKLIENT_NEW_PASSPHRASE"
RECOVERY_ENV = "BEHANDLERKLIENT_RECOVERY_CODE"
# The passphrase of a file holding a signing key on its way to the user's second laptop (keys export-signing).
SIGNING_KEY_PASSPHRASE_ENV = "BEHANDLERKLIENT_SIGNING_KEY_PASSPHRASE"


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def iso_date(text: str):  # noqa: ANN202
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' er ikke en dato (ÅÅÅÅ-MM-DD)") from None


def read_passphrase(confirm: bool = False) -> str:
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        line = sys.stdin.readline() if sys.stdin else ""
        if not line.strip():
            raise UsageError(f"ingen adgangskode: skriv den ved prompten eller sæt {PASSPHRASE_ENV}")
        return line.rstrip("\n")
    first = getpass.getpass("Adgangskode: ")
    if confirm and getpass.getpass("Gentag adgangskode: ") != first:
        raise InvalidInput("De to adgangskoder er ikke ens.")
    return first


def read_new_passphrase(prompt: str) -> str:
    value = os.environ.get(NEW_PASSPHRASE_ENV)
    if value:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise UsageError(f"den nye adgangskode: skriv den ved prompten eller sæt {NEW_PASSPHRASE_ENV}")
    first = getpass.getpass(prompt)
    if getpass.getpass("Gentag: ") != first:
        raise InvalidInput("De to adgangskoder er ikke ens.")
    return first


def read_signing_key_passphrase(prompt: str, *, confirm: bool = False) -> str:
    value = os.environ.get(SIGNING_KEY_PASSPHRASE_ENV)
    if value:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise UsageError(f"adgangskoden til filen med underskriftsnøglen: skriv den ved prompten eller sæt "
                         f"{SIGNING_KEY_PASSPHRASE_ENV}")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Gentag: ") != first:
        raise InvalidInput("De to adgangskoder er ikke ens; intet er skrevet.")
    return first


def read_moved_signing_key(path: Path | None, username: str) -> bytes | None:
    """The signing key in `path` (from keys export-signing) for `username`, its passphrase asked; None without a
    path. Read before anything is created: a refusal leaves nothing behind."""
    if path is None:
        return None
    from behandlerklient.services.accounts import key_transfer

    passphrase = read_signing_key_passphrase(f"Adgangskode til underskriftsnøglen i {path.name}: ")
    return key_transfer.read_signing_key(path=path, passphrase=passphrase, username=username)


def unlock(args: argparse.Namespace):
    from behandlerklient.services.workspace import workspace

    return workspace.unlock(path=args.db, passphrase=read_passphrase(), username=args.user)


@contextlib.contextmanager
def unlocked(args: argparse.Namespace):  # noqa: ANN202
    ws = unlock(args)
    try:
        yield ws
    finally:
        ws.close()


def ask_profession(args: argparse.Namespace) -> str:
    """The profession a letter names as the author's role: asked at a terminal when neither it nor a title was
    given; without a terminal the user is made without one, and the note says how to add it."""
    if args.profession is not None:
        return str(args.profession)
    if args.title.strip():
        return ""
    if sys.stdin and sys.stdin.isatty():
        print("Faggruppe (bruges som afsenderens rolle i breve og MedCom-filer): "
              + ", ".join(f"{code} ({label})" for code, label in PROFESSIONS.items()))
        while True:
            answer = input("Faggruppe: ").strip()
            if answer in PROFESSIONS:
                if answer == "other" and not args.title.strip():
                    args.title = input("Stillingsbetegnelse: ").strip()
                return answer
            print(f"Ukendt faggruppe {answer!r}.")
    return ""


def note_missing_role(user: User) -> None:
    if not user.role_text:
        print(f"Bemærk: {user.username} har ingen faggruppe eller stillingsbetegnelse; en MedCom-fil til egen læge "
              "kræver den. Tilføj den med behandlerklient user profile --profession FAGGRUPPE.")
