"""Does the server hold, for the unlocked user, the signing key this laptop signs with? It checks every record she
pushes (and every other laptop checks what it receives) against that one key, so a laptop with another key would
only fill the server's quarantine with her records (bad_signature). Asked at `sync enroll` and before every push;
the answer names both fingerprints and what to do (docs/sync.md, "A user's second laptop")."""

from __future__ import annotations

from typing import Any

from behandlerklient.core.errors import RuleRefused
from behandlerklient.core.key_fingerprint import fingerprint
from behandlerklient.services.accounts import key_transfer
from behandlerklient.storage.sync_server import ServerCalls

MOVE = ("flyt nøglen fra din første computer: kør dér 'behandlerklient keys export-signing --db DATABASE --out FIL', "
        "og opret journalen her med 'behandlerklient init --db DATABASE --user {user} --signing-key FIL' "
        "(eller 'behandlerklient user add ... --signing-key FIL')")
WRITE = "skriv denne computers offentlige nøgle med 'behandlerklient sync public-key --db DATABASE --out FIL'"
REGISTER = f"{WRITE} og bed administratoren registrere den (behandlerklient-server staff add --pubkey-file FIL)"
REPLACE = f"{WRITE} og bed administratoren udskifte den registrerede nøgle med den"


class KeyMismatch(RuleRefused):
    """The server's registered key for the user is not this laptop's (or it has none)."""


def registered_key(conn: Any, username: str) -> tuple[bool, bytes | None]:
    """(is the user staff on the server, her raw public key there)."""
    for name, _role, _full_name, key in ServerCalls(conn).staff():
        if name == username:
            return True, None if key is None else bytes(key)
    return False, None


def problem(*, username: str, server_key: bytes | None, is_staff: bool, laptop_key: bytes | None,
            stored: str) -> str | None:
    """The Danish refusal, or None when the keys agree. `stored` ends it: what was kept or sent (nothing)."""
    if laptop_key is None:
        return (f"Der er ingen underskriftsnøgle for {username} på denne computer (lås op med din egen "
                f"adgangskode); {stored}")
    here = fingerprint(laptop_key)
    if not is_staff or server_key is None:
        return (f"Serveren har ingen underskriftsnøgle registreret for {username}, så alt, hvad du sender, ville "
                f"blive afvist. Denne computers nøgle har fingeraftrykket {here}. Gør et af to: "
                f"{REGISTER}; eller, har du en anden computer, som serveren kender, {MOVE.format(user=username)}. "
                f"{stored}")
    if server_key == laptop_key:
        return None
    return (f"Serveren har en anden underskriftsnøgle registreret for {username} end den, denne computer "
            f"underskriver med, så alt, hvad du sender herfra, ville blive afvist (i serverens karantæne). "
            f"Serverens nøgle: {fingerprint(server_key)}. Denne computers nøgle: {here}. Gør et af to: "
            f"{MOVE.format(user=username)}; eller, er den første computer væk, {REPLACE}. {stored}")


def check(ws: Any, conn: Any, *, username: str, stored: str) -> None:
    """Raises KeyMismatch unless the server holds this laptop's key for `username`."""
    is_staff, server_key = registered_key(conn, username)
    text = problem(username=username, server_key=server_key, is_staff=is_staff,
                   laptop_key=key_transfer.own_public_key(ws), stored=stored)
    if text is not None:
        raise KeyMismatch(text)


def check_staff(ws: Any, staff: dict[str, Any], *, username: str, stored: str) -> None:
    """`check` against a staff list read already (pull.staff_of: a user without a key is not in it)."""
    entry = staff.get(username)
    text = problem(username=username, server_key=None if entry is None else entry.public_key,
                   is_staff=entry is not None, laptop_key=key_transfer.own_public_key(ws), stored=stored)
    if text is not None:
        raise KeyMismatch(text)
