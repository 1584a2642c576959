"""The headless admin commands, and the door to the GUI. Errors are one Danish line on stderr, never a traceback.

Exit codes: 0 success, 1 other failure, 2 usage error, 3 cannot unlock, 4 invalid input data, 5 refused by a rule.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import logging
import os
import sys
from pathlib import Path
from typing import NoReturn

from behandlerklient import __version__
from behandlerklient.core.errors import InvalidInput, KnownError, ValidationError
from behandlerklient.core.models import User
from behandlerklient.core.vocab import PROFESSIONS

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_UNLOCK, EXIT_INPUT, EXIT_RULE = 0, 1, 2, 3, 4, 5
PASSPHRASE_ENV = "BEHANDLERKLIENT_PASSPHRASE"
USER_ENV = "BEHANDLERKLIENT_USER"
NEW_PASSPHRASE_ENV = "BEHANDLERKLIENT_NEW_PASSPHRASE"
RECOVERY_ENV = "BEHANDLERKLIENT_RECOVERY_CODE"


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="behandlerklient", description="Journal for det lettilgængelige behandlingstilbud.")
    p.add_argument("--version", action="version", version=f"behandlerklient {__version__}")
    p.add_argument("--demo", action="store_true", help="start programmet på en demodatabase (syntetiske børn)")
    p.add_argument("--db", type=Path, help="databasefil (standard: i brugerens datamappe)")
    p.add_argument("--self-check", action="store_true", help="tjek at alle dele kan indlæses, og afslut")
    p.add_argument("--gui-smoke-test", type=Path, metavar="PDF", help=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    def db_cmd(name: str, help: str) -> argparse.ArgumentParser:
        c = sub.add_parser(name, help=help)
        c.add_argument("--db", type=Path, required=True, help="databasefil")
        c.add_argument("--user", default=os.environ.get(USER_ENV), help="brugernavn (standard: prøv alle)")
        return c

    sy = sub.add_parser("sync", help="synkroniser med kommunens server (send og hent)")
    sy.add_argument("--db", type=Path, default=None, help="databasefil (standard: i brugerens datamappe)")
    sy.add_argument("--user", default=os.environ.get(USER_ENV), help="brugernavn (standard: prøv alle)")
    sy_sub = sy.add_subparsers(dest="sync_command", parser_class=_Parser)
    c = sy_sub.add_parser("enroll", help="tilmeld denne computer serveren (gemmes krypteret i databasen)")
    c.add_argument("--server", required=True, metavar="VÆRT[:PORT]")
    c.add_argument("--user", required=True, help="brugernavn på serveren (= den bruger, der låses op)")
    c.add_argument("--dbname", default="bk")
    c.add_argument("--ca", type=Path, help="kommunens CA-certifikat (PEM)")
    c.add_argument("--cert", type=Path, help="denne computers klientcertifikat (PEM)")
    c.add_argument("--key", type=Path, help="klientcertifikatets nøgle (PEM)")
    c.add_argument("--db", type=Path, default=None, dest="enroll_db", help="databasefil")
    sy_sub.add_parser("duplicates", help="koordinator: børn registreret to gange (samme CPR), der venter på afgørelse")
    c = sy_sub.add_parser("merge", help="koordinator: afgør at to registreringer er samme barn (signeres og sendes)")
    c.add_argument("alias", metavar="ALIAS-ID", help="den anden registrerings id (fra 'sync duplicates')")

    c = sub.add_parser("init", help="opret en ny krypteret database")
    c.add_argument("--db", type=Path, required=True)
    c.add_argument("--user", default=os.environ.get(USER_ENV) or "admin", help="brugernavn (standard: admin)")
    c.add_argument("--name", default="", help="fulde navn")
    c.add_argument("--role", default="admin", choices=["admin", "therapist", "supervisor", "coordinator"])
    c.add_argument("--profession", default=None, choices=list(PROFESSIONS), help="faggruppe (spørges, hvis udeladt)")
    c.add_argument("--title", default="", help="stillingsbetegnelse, fx 'Psykolog'")
    c.add_argument("--phone", default="")

    c = db_cmd("demo", "tilføj syntetiske demodata")
    c.add_argument("--children", type=int, default=200)
    c.add_argument("--seed", type=int, default=1)

    c = db_cmd("verify", "tjek databasens integritet")
    c.add_argument("--against", type=Path, help="sikkerhedskopi eller eksport, hvis position i revisionssporet "
                   "stadig skal findes uændret")

    c = db_cmd("list", "vis børn eller forløb")
    c.add_argument("what", choices=["children", "courses"])
    c.add_argument("--json", action="store_true", help="skriv JSON")

    db_cmd("export-json", "skriv hele databasen som JSON på stdout")

    c = db_cmd("import", "indlæs en JSON-eksport (alt eller intet)")
    c.add_argument("file", type=Path)

    user = sub.add_parser("user", help="brugere (kun administrator)")
    user_sub = user.add_subparsers(dest="user_command", required=True, parser_class=_Parser)
    u = user_sub.add_parser("add", help="opret en bruger med egen adgangskode")
    u.add_argument("--db", type=Path, required=True)
    u.add_argument("--user", default=os.environ.get(USER_ENV), help="administratorens brugernavn")
    u.add_argument("--username", required=True, help="den nye brugers brugernavn")
    u.add_argument("--name", default="", help="fulde navn")
    u.add_argument("--role", required=True, choices=["therapist", "supervisor", "coordinator", "admin"])
    u.add_argument("--profession", default=None, choices=list(PROFESSIONS), help="faggruppe (spørges, hvis udeladt)")
    u.add_argument("--title", default="", help="stillingsbetegnelse, fx 'Psykolog'")
    u.add_argument("--phone", default="")
    u = user_sub.add_parser("profile", help="sæt en brugers faggruppe og stillingsbetegnelse (egen, eller som "
                            "administrator en andens)")
    u.add_argument("--db", type=Path, required=True)
    u.add_argument("--user", default=os.environ.get(USER_ENV), help="dit brugernavn")
    u.add_argument("--username", required=True, help="brugeren, hvis oplysninger ændres")
    u.add_argument("--profession", required=True, choices=list(PROFESSIONS))
    u.add_argument("--title", default="")
    user_sub.add_parser("list", help="vis brugere").add_argument("--db", type=Path, required=True)
    u = user_sub.add_parser("remove", help="fjern en brugers adgang (navnet bliver stående på det skrevne)")
    u.add_argument("--db", type=Path, required=True)
    u.add_argument("--user", default=os.environ.get(USER_ENV), help="administratorens brugernavn")
    u.add_argument("--username", required=True)
    u.add_argument("--rotate", action="store_true", help="skift også databasens nøgle (se docs/keys.md)")

    ks = sub.add_parser("keys", help="databasens nøgle (kun administrator)")
    ks_sub = ks.add_subparsers(dest="keys_command", required=True, parser_class=_Parser)
    c = ks_sub.add_parser("rotate", help="krypter databasen om med en ny nøgle; gamle nøglefiler virker ikke mere")
    c.add_argument("--db", type=Path, required=True)
    c.add_argument("--user", default=os.environ.get(USER_ENV), help="administratorens brugernavn")

    pp = sub.add_parser("passphrase", help="skift din adgangskode")
    pp_sub = pp.add_subparsers(dest="passphrase_command", required=True, parser_class=_Parser)
    c = pp_sub.add_parser("change")
    c.add_argument("--db", type=Path, required=True)
    c.add_argument("--user", default=os.environ.get(USER_ENV))
    c.add_argument("--rotate", action="store_true",
                   help="skift også databasens nøgle (administrator; ved mistanke om at koden er kendt af andre)")

    rc = sub.add_parser("recovery", help="gendannelsesnøgle til glemte adgangskoder")
    rc_sub = rc.add_subparsers(dest="recovery_command", required=True, parser_class=_Parser)
    c = rc_sub.add_parser("create", help="lav en ny gendannelsesnøgle og skriv arket som PDF")
    c.add_argument("--db", type=Path, required=True)
    c.add_argument("--user", default=os.environ.get(USER_ENV))
    c.add_argument("--out", type=Path, required=True)
    c = rc_sub.add_parser("reset", help="sæt en ny adgangskode med gendannelsesnøglen")
    c.add_argument("--db", type=Path, required=True)
    c.add_argument("--user", required=True)

    b = db_cmd("backup", "skriv en krypteret sikkerhedskopi (kontrolleres ved genåbning)")
    b.add_argument("--out", type=Path, required=True)
    b.add_argument("--force", action="store_true", help="overskriv en eksisterende fil")
    r = sub.add_parser("restore", help="gendan en sikkerhedskopi")
    r.add_argument("--backup", type=Path, required=True)
    r.add_argument("--db", type=Path, required=True)
    r.add_argument("--user", default=os.environ.get(USER_ENV))
    r.add_argument("--force", action="store_true", help="erstat en eksisterende database (den gemmes ved siden af)")

    st = sub.add_parser("settings", help="installationens indstillinger (stikprøve til supervision m.m.)")
    st_sub = st.add_subparsers(dest="settings_command", required=True, parser_class=_Parser)
    for name in ("list", "set"):
        c = st_sub.add_parser(name)
        c.add_argument("--db", type=Path, required=True)
        c.add_argument("--user", default=os.environ.get(USER_ENV))
        if name == "set":
            c.add_argument("key")
            c.add_argument("value")

    # Who holds which child, and who supervises whom (docs/access.md); administrators only.
    cl = sub.add_parser("caseload", help="hvilke behandlere har hvilke børn (kun administrator)")
    cl_sub = cl.add_subparsers(dest="caseload_command", required=True, parser_class=_Parser)
    for name in ("grant", "revoke", "list"):
        c = cl_sub.add_parser(name)
        c.add_argument("--db", type=Path, required=True)
        c.add_argument("--user", default=os.environ.get(USER_ENV), help="dit brugernavn (administratoren)")
        c.add_argument("--child", type=int, required=True)
        if name != "list":
            c.add_argument("--therapist", required=True, help="behandlerens brugernavn")
            c.add_argument("--shared", action="store_true", help="delt med en kollega (fx medbehandler i gruppe)")
    sv = sub.add_parser("supervision", help="supervisionspar (kun administrator)")
    sv_sub = sv.add_subparsers(dest="supervision_command", required=True, parser_class=_Parser)
    for name in ("add", "remove", "list"):
        c = sv_sub.add_parser(name)
        c.add_argument("--db", type=Path, required=True)
        c.add_argument("--user", default=os.environ.get(USER_ENV), help="dit brugernavn (administratoren)")
        if name != "list":
            c.add_argument("--supervisor", required=True)
            c.add_argument("--therapist", required=True)

    aud = sub.add_parser("audit", help="revisionsspor")
    aud_sub = aud.add_subparsers(dest="audit_command", required=True, parser_class=_Parser)
    a = aud_sub.add_parser("export", help="revisionssporet for ét barn som JSON")
    a.add_argument("--db", type=Path, required=True)
    a.add_argument("--user", default=os.environ.get(USER_ENV))
    a.add_argument("--child", type=int, required=True)

    exp = sub.add_parser("export", help="dokumenter som PDF")
    exp_sub = exp.add_subparsers(dest="export_command", required=True, parser_class=_Parser)
    j = exp_sub.add_parser("journal", help="journaludskrift for et barn eller ét forløb")
    j.add_argument("--db", type=Path, required=True)
    j.add_argument("--user", default=os.environ.get(USER_ENV))
    j.add_argument("--child", type=int, required=True)
    j.add_argument("--course", type=int)
    j.add_argument("--out", type=Path, required=True)
    g = exp_sub.add_parser("gp-letter", help="brev til egen læge ved start eller afslutning")
    g.add_argument("--db", type=Path, required=True)
    g.add_argument("--user", default=os.environ.get(USER_ENV))
    target = g.add_mutually_exclusive_group(required=True)
    target.add_argument("--course", type=int, help="forløbet brevet handler om")
    target.add_argument("--child", type=int, help="barnet (orientering, når barnet er vejledt eller henvist videre)")
    g.add_argument("--kind", required=True, choices=["start", "end"])
    g.add_argument("--out", type=Path, required=True)
    g.add_argument("--medcom", type=Path, help="skriv også en MedCom CareCommunication-fil (FHIR JSON)")

    rep = sub.add_parser("report", help="aktivitet og manualtroskab")
    rep_sub = rep.add_subparsers(dest="report_command", required=True, parser_class=_Parser)
    for name, formats in (("activity", ["json", "csv", "pdf"]), ("fidelity", ["json", "pdf"])):
        r = rep_sub.add_parser(name)
        r.add_argument("--db", type=Path, required=True)
        r.add_argument("--user", default=os.environ.get(USER_ENV))
        r.add_argument("--from", dest="start", type=_iso_date, required=True)
        r.add_argument("--to", dest="end", type=_iso_date, required=True)
        r.add_argument("--format", required=True, choices=formats)
        r.add_argument("--out", type=Path)
        if name == "fidelity":
            r.add_argument("--therapist", type=int)
    m = rep_sub.add_parser("monitoring", help="nationale monitoreringsdata (docs/monitoring.md)")
    m.add_argument("--db", type=Path, required=True)
    m.add_argument("--user", default=os.environ.get(USER_ENV))
    m.add_argument("--from", dest="start", type=_iso_date, required=True)
    m.add_argument("--to", dest="end", type=_iso_date, required=True)
    m.add_argument("--format", required=True, choices=["csv", "json"])
    m.add_argument("--out", type=Path)
    m.add_argument("--cpr", action="store_true", help="CPR-nøglet udgave til registersamkøring, kun krypteret")
    m.add_argument("--recipient-key", type=Path, help="modtagerens offentlige X25519-nøgle (PEM)")
    m.add_argument("--recipient", default="", help="hvem filen udleveres til")
    m.add_argument("--basis", default="", help="grundlaget for udleveringen")

    sdq = sub.add_parser("sdq", help="SDQ-beregning")
    sdq_sub = sdq.add_subparsers(dest="sdq_command", required=True, parser_class=_Parser)
    s = sdq_sub.add_parser("score", help="beregn SDQ-skalaer og bånd ud fra afkrydsede svar")
    s.add_argument("--informant", required=True, choices=["parent", "teacher", "self"])
    s.add_argument("--answers", required=True, help="25 svar 0/1/2 adskilt af komma; tomt for manglende")
    s.add_argument("--impact", help="samlet vurdering (0-3) efterfulgt af påvirkningssvar (0-3), adskilt af komma")
    s.add_argument("--json", action="store_true")
    return p


def _iso_date(text: str):  # noqa: ANN202
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' er ikke en dato (ÅÅÅÅ-MM-DD)") from None


def _read_passphrase(confirm: bool = False) -> str:
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


def _unlock(args: argparse.Namespace):
    from behandlerklient.services import workspace

    return workspace.unlock(path=args.db, passphrase=_read_passphrase(), username=args.user)


@contextlib.contextmanager
def _unlocked(args: argparse.Namespace):  # noqa: ANN202
    ws = _unlock(args)
    try:
        yield ws
    finally:
        ws.close()


def _progress_printer():
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\rDemodata: {done}/{total} børn", end=end, file=sys.stderr, flush=True)

    return show


def _ask_profession(args: argparse.Namespace) -> str:
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


def _note_missing_role(user: User) -> None:
    if not user.role_text:
        print(f"Bemærk: {user.username} har ingen faggruppe eller stillingsbetegnelse; en MedCom-fil til egen læge "
              "kræver den. Tilføj den med behandlerklient user profile --profession FAGGRUPPE.")


def _cmd_init(args: argparse.Namespace) -> int:
    from behandlerklient.services import workspace

    profession = _ask_profession(args)
    ws = workspace.create(path=args.db, username=args.user, full_name=args.name or args.user,
                          passphrase=_read_passphrase(confirm=True), role=args.role, title=args.title,
                          phone=args.phone, profession=profession)
    ws.close()
    print(f"Oprettede krypteret database {args.db} med brugeren {args.user}.")
    _note_missing_role(ws.user)
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from behandlerklient.services import demo

    if not 0 <= args.children <= 100_000:
        raise InvalidInput("--children skal være mellem 0 og 100000.")
    with _unlocked(args) as ws:
        res = demo.generate(ws=ws, children_count=args.children, seed=args.seed, progress=_progress_printer())
    print(f"Tilføjede {res.children} børn, {res.courses} forløb og {res.sessions} sessioner.")
    return EXIT_OK


def _cmd_verify(args: argparse.Namespace) -> int:
    from behandlerklient.services import anchor, integrity

    with _unlocked(args) as ws:
        checks = integrity.verify(ws=ws)
        if args.against:
            checks.append(integrity.Check(*anchor.check(ws.db, anchor.read(args.against), args.against.name)))
    for c in checks:
        print(f"{'OK ' if c.ok else 'FEJL'} {c.name}: {c.detail}")
    if all(c.ok for c in checks):
        return EXIT_OK
    print("fejl: databasen bestod ikke kontrollen", file=sys.stderr)
    return EXIT_INPUT


def _cmd_list(args: argparse.Namespace) -> int:
    from behandlerklient.services import listing

    with _unlocked(args) as ws:
        rows = listing.children(ws=ws) if args.what == "children" else listing.courses(ws=ws)
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for r in rows:
            print("\t".join(str(v) for v in r.values()))
    return EXIT_OK


def _cmd_export_json(args: argparse.Namespace) -> int:
    from behandlerklient.services import transfer

    with _unlocked(args) as ws:
        # Written while it is read: a 10,000-child database never stands whole in memory (services/transfer.py).
        transfer.write_export(ws=ws, out=sys.stdout)
    sys.stdout.write("\n")
    return EXIT_OK


def _cmd_import(args: argparse.Namespace) -> int:
    from behandlerklient.services import transfer

    try:
        source = args.file.open("rb")
    except FileNotFoundError:
        raise InvalidInput(f"Filen findes ikke: {args.file}") from None
    except OSError as exc:
        raise InvalidInput(f"Filen {args.file} kan ikke læses ({exc.strerror}).") from None
    # Read as a stream, one row at a time, inside the import's one transaction (services/json_stream.py).
    with source, _unlocked(args) as ws:
        counts, _ = transfer.import_stream(ws=ws, source=source, origin=args.file.name)
    print("Importerede " + ", ".join(f"{n} {t}" for t, n in counts.items()) + ".")
    return EXIT_OK


def _cmd_sdq(args: argparse.Namespace) -> int:
    from behandlerklient.core import sdq
    from behandlerklient.services.scoring import score_with_bands

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


def _cmd_user(args: argparse.Namespace) -> int:
    from behandlerklient.services import users

    if args.user_command == "remove":
        from behandlerklient.services import keys

        passphrase = _read_passphrase()
        from behandlerklient.services import workspace

        ws = workspace.unlock(path=args.db, passphrase=passphrase, username=args.user)
        try:
            keys.remove_user(ws=ws, username=args.username)
            admin = ws.user.username
        finally:
            ws.close()
        print(f"Fjernede adgangen for {args.username}.")
        if args.rotate or (sys.stdin and sys.stdin.isatty() and not os.environ.get(PASSPHRASE_ENV) and input(
                "Skift databasens nøgle nu, så gamle kopier af nøglefilen ikke virker? [j/N] ").strip().lower() == "j"):
            return _rotate(args.db, passphrase, admin)
        print("Gamle kopier af nøglefilen og sikkerhedskopier åbner stadig databasen, til nøglen skiftes: "
              "behandlerklient keys rotate (docs/keys.md).")
        return EXIT_OK
    if args.user_command == "profile":
        with _unlocked(args) as ws:
            changed, _ = users.set_profile(ws=ws, username=args.username, profession=args.profession,
                                           title=args.title)
        print(f"{changed.username}: {changed.role_text}")
        return EXIT_OK
    if args.user_command == "list":
        args.user = os.environ.get(USER_ENV)
        ws = _unlock(args)
        try:
            for u in users.list_users(ws=ws):
                print(f"{u.username}\t{u.role}\t{u.full_name}")
        finally:
            ws.close()
        return EXIT_OK
    with _unlocked(args) as ws:
        admin_passphrase = os.environ.get(PASSPHRASE_ENV) or ""
        new_passphrase = os.environ.get(NEW_PASSPHRASE_ENV)
        if not new_passphrase:
            if not sys.stdin or not sys.stdin.isatty():
                raise UsageError(f"den nye brugers adgangskode: skriv den ved prompten eller sæt {NEW_PASSPHRASE_ENV}")
            new_passphrase = getpass.getpass(f"Adgangskode til {args.username}: ")
        if not admin_passphrase:
            admin_passphrase = getpass.getpass("Administratorens adgangskode (igen): ")
        user, _ = users.add_user(ws=ws, admin_passphrase=admin_passphrase, username=args.username,
                                 full_name=args.name, role=args.role, passphrase=new_passphrase, title=args.title,
                                 phone=args.phone, profession=_ask_profession(args))
    print(f"Oprettede brugeren {user.username} ({user.role}).")
    _note_missing_role(user)
    return EXIT_OK


def _rotate(db: Path, passphrase: str, username: str | None) -> int:
    from behandlerklient.services import rotation

    result = rotation.rotate_data_key(db_path=db, passphrase=passphrase, username=username)
    print(f"Databasen er krypteret om med en ny nøgle. Adgang har: {', '.join(sorted(result.kept_users))} "
          "(med deres hidtidige adgangskoder). Tidligere nøglefiler og sikkerhedskopier åbner den ikke mere.")
    if result.dropped:
        print(f"Kunne ikke overføres (ældre nøgleformat): {', '.join(result.dropped)}. Opret dem igen "
              "(gendannelsesnøgle: behandlerklient recovery create).")
    return EXIT_OK


def _cmd_keys(args: argparse.Namespace) -> int:
    return _rotate(args.db, _read_passphrase(), args.user)


def _cmd_backup(args: argparse.Namespace) -> int:
    from behandlerklient.services import backup

    with _unlocked(args) as ws:
        backup.backup(ws=ws, out=args.out, force=args.force)
    print(f"Skrev krypteret sikkerhedskopi {args.out}")
    return EXIT_OK


def _cmd_restore(args: argparse.Namespace) -> int:
    from behandlerklient.services import backup

    backup.restore(backup_file=args.backup, db_path=args.db, passphrase=_read_passphrase(), username=args.user,
                   force=args.force)
    print(f"Gendannede {args.db} fra {args.backup}")
    return EXIT_OK


def _cmd_settings(args: argparse.Namespace) -> int:
    from behandlerklient.services import settings

    with _unlocked(args) as ws:
        if args.settings_command == "set":
            settings.put(ws=ws, key=args.key, value=args.value)
        for key, s in settings.SETTINGS.items():
            print(f"{key}={settings.get(ws=ws, key=key)}\t# {s.label}")
    return EXIT_OK


def _cmd_caseload(args: argparse.Namespace) -> int:
    from behandlerklient.services import access

    with _unlocked(args) as ws:
        kind = "shared" if getattr(args, "shared", False) else "caseload"
        if args.caseload_command == "grant":
            access.grant(ws=ws, child_id=args.child, username=args.therapist, kind=kind)
        elif args.caseload_command == "revoke":
            access.revoke(ws=ws, child_id=args.child, username=args.therapist, kind=kind)
        for g in access.holders(ws=ws, child_id=args.child):
            print(f"{g.username}\t{g.kind}\t{g.full_name}")
    return EXIT_OK


def _cmd_supervision(args: argparse.Namespace) -> int:
    from behandlerklient.services import access

    with _unlocked(args) as ws:
        if args.supervision_command == "add":
            access.add_pair(ws=ws, supervisor=args.supervisor, therapist=args.therapist)
        elif args.supervision_command == "remove":
            access.revoke_pair(ws=ws, supervisor=args.supervisor, therapist=args.therapist)
        for p in access.pairs(ws=ws):
            print(f"{p.supervisor}\t{p.therapist}")
    return EXIT_OK


def _new_passphrase(prompt: str) -> str:
    value = os.environ.get(NEW_PASSPHRASE_ENV)
    if value:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise UsageError(f"den nye adgangskode: skriv den ved prompten eller sæt {NEW_PASSPHRASE_ENV}")
    first = getpass.getpass(prompt)
    if getpass.getpass("Gentag: ") != first:
        raise InvalidInput("De to adgangskoder er ikke ens.")
    return first


def _cmd_passphrase(args: argparse.Namespace) -> int:
    from behandlerklient.services import keys

    old = _read_passphrase()
    from behandlerklient.services import workspace

    ws = workspace.unlock(path=args.db, passphrase=old, username=args.user)
    new = _new_passphrase("Ny adgangskode: ")
    try:
        keys.change_passphrase(ws=ws, old=old, new=new)
        username = ws.user.username
    finally:
        ws.close()
    if args.rotate:
        print("Adgangskoden er skiftet.")
        return _rotate(args.db, new, username)
    print("Adgangskoden er skiftet; databasen er ikke krypteret om (behandlerklient keys rotate).")
    return EXIT_OK


def _cmd_recovery(args: argparse.Namespace) -> int:
    from behandlerklient.services import keys

    if args.recovery_command == "reset":
        code = os.environ.get(RECOVERY_ENV) or (getpass.getpass("Gendannelsesnøgle: ") if sys.stdin and
                                                sys.stdin.isatty() else "")
        if not code:
            raise UsageError(f"gendannelsesnøglen: skriv den ved prompten eller sæt {RECOVERY_ENV}")
        keys.reset_with_recovery(db_path=args.db, username=args.user, recovery_code=code,
                                 new_passphrase=_new_passphrase("Ny adgangskode: "))
        print(f"Ny adgangskode sat for {args.user}.")
        return EXIT_OK
    from behandlerklient.exports import recovery_sheet
    from behandlerklient.exports.pdf_base import write_file

    if args.out.exists():
        raise InvalidInput(f"Filen findes allerede: {args.out}")
    passphrase = _read_passphrase()
    from behandlerklient.services import workspace

    ws = workspace.unlock(path=args.db, passphrase=passphrase, username=args.user)
    try:
        code = keys.create_recovery_key(ws=ws, passphrase=passphrase)
        write_file(recovery_sheet.render(code=code, municipality="", database_name=args.db.name,
                                         created_by=ws.user.full_name, created_at=ws.clock().astimezone()), args.out)
    finally:
        ws.close()
    print(f"Gendannelsesnøglen er skrevet i {args.out}. Udskriv arket, opbevar det aflåst, og slet filen.")
    return EXIT_OK


def _cmd_audit(args: argparse.Namespace) -> int:
    from behandlerklient.services import audit

    with _unlocked(args) as ws:
        rows = audit.export_for_child(ws=ws, child_id=args.child)
    json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    with _unlocked(args) as ws:
        if args.export_command == "journal":
            from behandlerklient.services import documents

            documents.export_journal_summary(ws=ws, child_id=args.child, course_id=args.course, out=args.out)
            written = [args.out]
        else:
            from behandlerklient.services import letters

            written, _changes = letters.export_gp_letter(ws=ws, course_id=args.course, child_id=args.child,
                                                         kind=args.kind, out=args.out, medcom=args.medcom)
    print("Skrev " + ", ".join(str(p) for p in written))
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from behandlerklient.services import reports

    if args.report_command == "monitoring":
        return _cmd_monitoring(args)
    if args.format == "pdf" and args.out is None:
        raise UsageError("en PDF skal have --out FIL.pdf")
    with _unlocked(args) as ws:
        data = reports.render(ws=ws, kind=args.report_command, fmt=args.format, start=args.start, end=args.end,
                              therapist_id=getattr(args, "therapist", None))
        reports.write(data=data, out=args.out)
    if args.out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        print(f"Skrev {args.out}")
    return EXIT_OK


SERVER_PASSWORD_ENV = "BEHANDLERKLIENT_SERVER_PASSWORD"


def _read_pem(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"Kan ikke læse {path}: {exc.__class__.__name__}.") from None


def _cmd_sync(args: argparse.Namespace) -> int:
    from behandlerklient import paths
    from behandlerklient.services import sync as syncing

    args.db = getattr(args, "enroll_db", None) or args.db or paths.default_database_path()
    if args.sync_command == "enroll":
        host, _, port = args.server.rpartition(":") if ":" in args.server else (args.server, "", "5432")
        if not port.isdigit():
            raise UsageError(f"'{args.server}' er ikke VÆRT[:PORT]")
        pems = [_read_pem(args.ca), _read_pem(args.cert), _read_pem(args.key)]
        with _unlocked(args) as ws:
            password = (os.environ.get(SERVER_PASSWORD_ENV)
                        or getpass.getpass(f"Adgangskode på serveren for {args.user}: "))
            syncing.enroll(ws=ws, host=host, port=int(port), user=args.user, password=password, dbname=args.dbname,
                           ca_pem=pems[0], cert_pem=pems[1], key_pem=pems[2])
        print(f"Tilmeldt {host}:{port} som {args.user}.")
        return EXIT_OK
    if args.sync_command in ("duplicates", "merge"):
        return _cmd_sync_merge(args)
    with _unlocked(args) as ws:
        result = syncing.sync(ws=ws)
    print(result.summary())
    return EXIT_OK


def _cmd_sync_merge(args: argparse.Namespace) -> int:
    """The coordinator's task list of children registered twice, and her decision; ids only on the terminal."""
    from behandlerklient.services.sync import merge

    with _unlocked(args) as ws:
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


def _cmd_monitoring(args: argparse.Namespace) -> int:
    from behandlerklient.services import monitoring, reports

    if args.cpr and (args.out is None or args.recipient_key is None):
        raise UsageError("den CPR-nøglede udgave skrives kun krypteret: angiv --out FIL og --recipient-key NØGLE.pem")
    if not args.cpr and args.recipient_key is not None:
        raise UsageError("--recipient-key hører til --cpr")
    with _unlocked(args) as ws:
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


def _cmd_self_check() -> int:
    from behandlerklient.app import qt_version  # the frozen program must carry Qt too
    from behandlerklient.services.self_check import run

    for line in run():
        print(line)
    print(f"Qt {qt_version()}")
    print("OK")
    return EXIT_OK


COMMANDS = {"init": _cmd_init, "demo": _cmd_demo, "verify": _cmd_verify, "list": _cmd_list,
            "export-json": _cmd_export_json, "import": _cmd_import, "sdq": _cmd_sdq, "user": _cmd_user,
            "audit": _cmd_audit, "export": _cmd_export, "report": _cmd_report, "settings": _cmd_settings,
            "backup": _cmd_backup, "restore": _cmd_restore, "passphrase": _cmd_passphrase,
            "recovery": _cmd_recovery, "keys": _cmd_keys, "caseload": _cmd_caseload,
            "supervision": _cmd_supervision, "sync": _cmd_sync}


def main(argv: list[str] | None = None) -> int:
    from behandlerklient import hardening, logs

    hardening.disable_core_dumps()  # first: nothing later may leave the key or names in a core file
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(f"fejl: {exc} (se 'behandlerklient --help')", file=sys.stderr)
        return EXIT_USAGE
    logs.configure()
    try:
        if args.self_check:
            return _cmd_self_check()
        if args.gui_smoke_test:
            from behandlerklient.app import gui_smoke_test

            return gui_smoke_test(args.gui_smoke_test)
        if args.command is None:
            from behandlerklient.app import run_gui

            return run_gui(db_path=args.db, demo=args.demo)
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"fejl: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KnownError as exc:
        print(f"fejl: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except ValidationError as exc:
        print(f"fejl: {exc.message}", file=sys.stderr)
        return EXIT_INPUT
    except UnicodeEncodeError:
        # A lone surrogate (e.g. from an undecodable command-line byte) that no file or database can store.
        print("fejl: teksten indeholder et tegn, der ikke kan gemmes (ugyldig UTF-8); intet er ændret",
              file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("afbrudt", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away; nothing is wrong with the data.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the one place bugs are caught, logged and reported in one line
        logs.log_crash(f"unexpected error in command {getattr(args, 'command', None)}", exc)
        print(f"fejl: intern fejl ({type(exc).__name__}); detaljer i logfilen", file=sys.stderr)
        return EXIT_FAIL
