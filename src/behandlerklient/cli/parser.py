"""The command line's grammar: every command, its options and its Danish help text, in the order `--help` lists
them.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from behandlerklient import __version__
from behandlerklient.cli.common import (
    USER_ENV,
    Parser,
    iso_date,
)
from behandlerklient.core.vocab import PROFESSIONS


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="behandlerklient", description="Journal for det lettilgængelige behandlingstilbud.")
    p.add_argument("--version", action="version", version=f"behandlerklient {__version__}")
    p.add_argument("--demo", action="store_true", help="start programmet på en demodatabase (syntetiske børn)")
    p.add_argument("--db", type=Path, help="databasefil (standard: i brugerens datamappe)")
    p.add_argument("--self-check", action="store_true", help="tjek at alle dele kan indlæses, og afslut")
    p.add_argument("--gui-smoke-test", type=Path, metavar="PDF", help=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command", parser_class=Parser)

    def db_cmd(name: str, help: str) -> argparse.ArgumentParser:
        c = sub.add_parser(name, help=help)
        c.add_argument("--db", type=Path, required=True, help="databasefil")
        c.add_argument("--user", default=os.environ.get(USER_ENV), help="brugernavn (standard: prøv alle)")
        return c

    sy = sub.add_parser("sync", help="synkroniser med kommunens server (send og hent)")
    sy.add_argument("--db", type=Path, default=None, help="databasefil (standard: i brugerens datamappe)")
    sy.add_argument("--user", default=os.environ.get(USER_ENV), help="brugernavn (standard: prøv alle)")
    sy_sub = sy.add_subparsers(dest="sync_command", parser_class=Parser)
    c = sy_sub.add_parser("enroll", help="tilmeld denne computer serveren (gemmes krypteret i databasen)")
    c.add_argument("--server", required=True, metavar="VÆRT[:PORT]")
    c.add_argument("--user", required=True, help="brugernavn på serveren (= den bruger, der låses op)")
    c.add_argument("--dbname", default="bk")
    c.add_argument("--ca", type=Path, help="kommunens CA-certifikat (PEM)")
    c.add_argument("--cert", type=Path, help="denne computers klientcertifikat (PEM)")
    c.add_argument("--key", type=Path, help="klientcertifikatets nøgle (PEM)")
    c.add_argument("--db", type=Path, default=None, dest="enroll_db", help="databasefil")
    c = sy_sub.add_parser("public-key", help="skriv din offentlige underskriftsnøgle til serverens administrator "
                          "(til 'behandlerklient-server staff add --pubkey-file') og vis dens fingeraftryk")
    c.add_argument("--db", type=Path, default=None, dest="enroll_db", metavar="DB", help="databasefil")
    c.add_argument("--user", default=os.environ.get(USER_ENV), help="dit brugernavn (standard: prøv alle)")
    c.add_argument("--out", type=Path, required=True, metavar="FIL", help="filen, der skrives (kun den offentlige "
                   "nøgle; en ny fil)")
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
    c.add_argument("--signing-key", type=Path, metavar="FIL", help="din underskriftsnøgle fra din første computer "
                   "(fra 'behandlerklient keys export-signing'), så begge computere underskriver med den nøgle, "
                   "serveren har for dig")

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
    user_sub = user.add_subparsers(dest="user_command", required=True, parser_class=Parser)
    u = user_sub.add_parser("add", help="opret en bruger med egen adgangskode")
    u.add_argument("--db", type=Path, required=True)
    u.add_argument("--user", default=os.environ.get(USER_ENV), help="administratorens brugernavn")
    u.add_argument("--username", required=True, help="den nye brugers brugernavn")
    u.add_argument("--name", default="", help="fulde navn")
    u.add_argument("--role", required=True, choices=["therapist", "supervisor", "coordinator", "admin"])
    u.add_argument("--profession", default=None, choices=list(PROFESSIONS), help="faggruppe (spørges, hvis udeladt)")
    u.add_argument("--title", default="", help="stillingsbetegnelse, fx 'Psykolog'")
    u.add_argument("--phone", default="")
    u.add_argument("--signing-key", type=Path, metavar="FIL", help="brugerens underskriftsnøgle fra hendes første "
                   "computer (fra 'behandlerklient keys export-signing')")
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

    ks = sub.add_parser("keys", help="databasens nøgle (administrator) og din underskriftsnøgle")
    ks_sub = ks.add_subparsers(dest="keys_command", required=True, parser_class=Parser)
    c = ks_sub.add_parser("rotate", help="krypter databasen om med en ny nøgle; gamle nøglefiler virker ikke mere")
    c.add_argument("--db", type=Path, required=True)
    c.add_argument("--user", default=os.environ.get(USER_ENV), help="administratorens brugernavn")
    c = ks_sub.add_parser("export-signing", help="skriv din underskriftsnøgle, krypteret med en adgangskode du "
                          "vælger, til din anden computer (den bruges dér med 'init --signing-key')")
    c.add_argument("--db", type=Path, required=True)
    c.add_argument("--user", default=os.environ.get(USER_ENV), help="dit brugernavn")
    c.add_argument("--out", type=Path, required=True, metavar="FIL", help="filen, der skrives (en ny fil, kun "
                   "læsbar for dig)")

    pp = sub.add_parser("passphrase", help="skift din adgangskode")
    pp_sub = pp.add_subparsers(dest="passphrase_command", required=True, parser_class=Parser)
    c = pp_sub.add_parser("change")
    c.add_argument("--db", type=Path, required=True)
    c.add_argument("--user", default=os.environ.get(USER_ENV))
    c.add_argument("--rotate", action="store_true",
                   help="skift også databasens nøgle (administrator; ved mistanke om at koden er kendt af andre)")

    rc = sub.add_parser("recovery", help="gendannelsesnøgle til glemte adgangskoder")
    rc_sub = rc.add_subparsers(dest="recovery_command", required=True, parser_class=Parser)
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
    st_sub = st.add_subparsers(dest="settings_command", required=True, parser_class=Parser)
    for name in ("list", "set"):
        c = st_sub.add_parser(name)
        c.add_argument("--db", type=Path, required=True)
        c.add_argument("--user", default=os.environ.get(USER_ENV))
        if name == "set":
            c.add_argument("key")
            c.add_argument("value")

    # Who holds which child, and who supervises whom (docs/access.md); administrators only.
    cl = sub.add_parser("caseload", help="hvilke behandlere har hvilke børn (kun administrator)")
    cl_sub = cl.add_subparsers(dest="caseload_command", required=True, parser_class=Parser)
    for name in ("grant", "revoke", "list"):
        c = cl_sub.add_parser(name)
        c.add_argument("--db", type=Path, required=True)
        c.add_argument("--user", default=os.environ.get(USER_ENV), help="dit brugernavn (administratoren)")
        c.add_argument("--child", type=int, required=True)
        if name != "list":
            c.add_argument("--therapist", required=True, help="behandlerens brugernavn")
            c.add_argument("--shared", action="store_true", help="delt med en kollega (fx medbehandler i gruppe)")
    sv = sub.add_parser("supervision", help="supervisionspar (kun administrator)")
    sv_sub = sv.add_subparsers(dest="supervision_command", required=True, parser_class=Parser)
    for name in ("add", "remove", "list"):
        c = sv_sub.add_parser(name)
        c.add_argument("--db", type=Path, required=True)
        c.add_argument("--user", default=os.environ.get(USER_ENV), help="dit brugernavn (administratoren)")
        if name != "list":
            c.add_argument("--supervisor", required=True)
            c.add_argument("--therapist", required=True)

    aud = sub.add_parser("audit", help="revisionsspor")
    aud_sub = aud.add_subparsers(dest="audit_command", required=True, parser_class=Parser)
    a = aud_sub.add_parser("export", help="revisionssporet for ét barn som JSON")
    a.add_argument("--db", type=Path, required=True)
    a.add_argument("--user", default=os.environ.get(USER_ENV))
    a.add_argument("--child", type=int, required=True)

    exp = sub.add_parser("export", help="dokumenter som PDF")
    exp_sub = exp.add_subparsers(dest="export_command", required=True, parser_class=Parser)
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
    rep_sub = rep.add_subparsers(dest="report_command", required=True, parser_class=Parser)
    for name, formats in (("activity", ["json", "csv", "pdf"]), ("fidelity", ["json", "pdf"])):
        r = rep_sub.add_parser(name)
        r.add_argument("--db", type=Path, required=True)
        r.add_argument("--user", default=os.environ.get(USER_ENV))
        r.add_argument("--from", dest="start", type=iso_date, required=True)
        r.add_argument("--to", dest="end", type=iso_date, required=True)
        r.add_argument("--format", required=True, choices=formats)
        r.add_argument("--out", type=Path)
        if name == "fidelity":
            r.add_argument("--therapist", type=int)
    m = rep_sub.add_parser("monitoring", help="nationale monitoreringsdata (docs/monitoring.md)")
    m.add_argument("--db", type=Path, required=True)
    m.add_argument("--user", default=os.environ.get(USER_ENV))
    m.add_argument("--from", dest="start", type=iso_date, required=True)
    m.add_argument("--to", dest="end", type=iso_date, required=True)
    m.add_argument("--format", required=True, choices=["csv", "json"])
    m.add_argument("--out", type=Path)
    m.add_argument("--cpr", action="store_true", help="CPR-nøglet udgave til registersamkøring, kun krypteret")
    m.add_argument("--recipient-key", type=Path, help="modtagerens offentlige X25519-nøgle (PEM)")
    m.add_argument("--recipient", default="", help="hvem filen udleveres til")
    m.add_argument("--basis", default="", help="grundlaget for udleveringen")

    sdq = sub.add_parser("sdq", help="SDQ-beregning")
    sdq_sub = sdq.add_subparsers(dest="sdq_command", required=True, parser_class=Parser)
    s = sdq_sub.add_parser("score", help="beregn SDQ-skalaer og bånd ud fra afkrydsede svar")
    s.add_argument("--informant", required=True, choices=["parent", "teacher", "self"])
    s.add_argument("--answers", required=True, help="25 svar 0/1/2 adskilt af komma; tomt for manglende")
    s.add_argument("--impact", help="samlet vurdering (0-3) efterfulgt af påvirkningssvar (0-3), adskilt af komma")
    s.add_argument("--json", action="store_true")
    return p
