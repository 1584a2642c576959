"""`behandlerklient-server`: the sync server's admin commands (docs/server.md).

    behandlerklient-server init --dsn DSN
    behandlerklient-server staff add --dsn DSN --username U --role R --full-name N --pubkey-file F
    behandlerklient-server staff allow-bulk --dsn DSN --user U --children N
    behandlerklient-server caseload grant|revoke --dsn DSN --child UID --user U [--basis B]
    behandlerklient-server supervision add|end --dsn DSN --supervisor S --therapist T
    behandlerklient-server policy set --dsn DSN NAME on|off
    behandlerklient-server quarantine list [--all] | resolve --id N --release|--reject --note TEXT

The DSN may also come from BK_SERVER_DSN. A new user's password comes from BK_NEW_PASSWORD or is generated
and printed once. Exit codes: 0 done, 1 refused or failed (one line on stderr), 2 usage.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from pathlib import Path

from behandlerklient.core.key_fingerprint import fingerprint, grouped
from behandlerklient.server import admin, migrate


def _parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="behandlerklient-server", description="Admin of the sync server.")
    sub = top.add_subparsers(dest="command", required=True)

    def with_dsn(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--dsn", default=os.environ.get("BK_SERVER_DSN"),
                       help="libpq connection string of an admin (superuser for init; else a member of bk_owner)")
        return p

    with_dsn(sub.add_parser("init", help="apply the server migrations (idempotent)"))

    staff = sub.add_parser("staff").add_subparsers(dest="action", required=True)
    add = with_dsn(staff.add_parser("add", help="a login role and its signing key"))
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, choices=admin.ROLES)
    add.add_argument("--full-name", required=True)
    add.add_argument("--pubkey-file", required=True, type=Path)

    rekey = with_dsn(staff.add_parser(
        "replace-key", help="a new signing key for a user whose laptop was lost or stolen; the old key is retired, "
                            "still proving what it signed"))
    rekey.add_argument("--user", required=True)
    rekey.add_argument("--pubkey-file", required=True, type=Path,
                       help="written by 'behandlerklient sync public-key' on the new laptop")
    rekey.add_argument("--reason", required=True, help="kept with the retired key, e.g. 'laptop stolen 2026-12-01'")

    bulk = with_dsn(staff.add_parser("allow-bulk", help="a one-off allowance of CPR registrations beyond the "
                                                       "hourly limit, for a first upload of many children"))
    bulk.add_argument("--user", required=True)
    bulk.add_argument("--children", required=True, type=int)

    caseload = sub.add_parser("caseload").add_subparsers(dest="action", required=True)
    for action in ("grant", "revoke"):
        p = with_dsn(caseload.add_parser(action))
        p.add_argument("--child", required=True)
        p.add_argument("--user", required=True)
        p.add_argument("--basis", choices=admin.BASES, default="caseload" if action == "grant" else None)

    supervision = sub.add_parser("supervision").add_subparsers(dest="action", required=True)
    for action in ("add", "end"):
        p = with_dsn(supervision.add_parser(action))
        p.add_argument("--supervisor", required=True)
        p.add_argument("--therapist", required=True)

    policy = sub.add_parser("policy").add_subparsers(dest="action", required=True)
    p = with_dsn(policy.add_parser("set"))
    p.add_argument("name")
    p.add_argument("value", choices=("on", "off"))

    quarantine = sub.add_parser("quarantine").add_subparsers(dest="action", required=True)
    p = with_dsn(quarantine.add_parser("list"))
    p.add_argument("--all", action="store_true", help="resolved items too")
    p = with_dsn(quarantine.add_parser("resolve"))
    p.add_argument("--id", required=True, type=int)
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--release", action="store_true")
    what.add_argument("--reject", action="store_true")
    p.add_argument("--note", required=True)
    return top


def _run(args: argparse.Namespace) -> None:
    import psycopg

    with psycopg.connect(args.dsn, autocommit=True) as conn:
        if args.command == "init":
            applied = migrate.apply(conn)
            print(f"server schema at version {migrate.current_version(conn)}"
                  f" ({len(applied)} migration(s) applied now)")
        elif args.command == "staff" and args.action == "replace-key":
            pubkey = admin.read_pubkey(args.pubkey_file.read_bytes())
            logged = admin.staff_replace_key(conn, username=args.user, pubkey=pubkey, reason=args.reason)
            print(f"replaced the signing key of {args.user}; the old key proves the records up to seq "
                  f"{logged['last_seq']} and signs nothing more")
            print(f"retired key fingerprint (SHA-256): {grouped(logged['old_pubkey_sha256'])}")
            print(f"signing key fingerprint (SHA-256): {fingerprint(pubkey)}")
            if logged["disabled"]:
                print(f"note: {args.user} is disabled; the key was replaced all the same")
        elif args.command == "staff" and args.action == "allow-bulk":
            admin.bulk_allow(conn, username=args.user, children=args.children)
            print(f"{args.user} may register {args.children} children beyond the hourly limit")
        elif args.command == "staff":
            password = os.environ.get("BK_NEW_PASSWORD")
            generated = password is None
            password = password or secrets.token_urlsafe(18)
            pubkey = admin.read_pubkey(args.pubkey_file.read_bytes())
            admin.staff_add(conn, username=args.username, role=args.role, full_name=args.full_name,
                            pubkey=pubkey, password=password)
            print(f"added {args.username} ({args.role})")
            # Read it to the user by phone: her laptop printed the same when it wrote the file (sync public-key).
            print(f"signing key fingerprint (SHA-256): {fingerprint(pubkey)}")
            if generated:
                print(f"password (shown once): {password}")
        elif args.command == "caseload" and args.action == "grant":
            admin.caseload_grant(conn, child=args.child, username=args.user, basis=args.basis)
            print(f"granted {args.basis} access to {args.child} for {args.user}")
        elif args.command == "caseload":
            n = admin.caseload_revoke(conn, child=args.child, username=args.user, basis=args.basis)
            print(f"revoked {n} access row(s) to {args.child} for {args.user}")
        elif args.command == "supervision" and args.action == "add":
            admin.supervision_add(conn, supervisor=args.supervisor, therapist=args.therapist)
            print(f"{args.supervisor} supervises {args.therapist}")
        elif args.command == "supervision":
            admin.supervision_end(conn, supervisor=args.supervisor, therapist=args.therapist)
            print(f"{args.supervisor} no longer supervises {args.therapist}")
        elif args.command == "policy":
            admin.policy_set(conn, name=args.name, value=args.value == "on")
            print(f"{args.name} = {args.value}")
        elif args.action == "list":
            rows = admin.quarantine_list(conn, include_resolved=args.all)
            print(json.dumps(rows, default=str, indent=1))
        else:
            resolution = admin.quarantine_resolve(conn, item_id=args.id, release=args.release, note=args.note)
            print(f"quarantined item {args.id} {resolution}")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.dsn:
        print("behandlerklient-server: --dsn (or BK_SERVER_DSN) is required", file=sys.stderr)
        return 2
    try:
        import psycopg
    except ImportError:
        print("behandlerklient-server: psycopg is missing: pip install 'behandlerklient[server]'", file=sys.stderr)
        return 1
    try:
        _run(args)
    except (admin.AdminError, psycopg.Error, OSError) as exc:
        print(f"behandlerklient-server: {str(exc).strip().splitlines()[0] if str(exc).strip() else exc!r}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
