"""The door: parse the command line, run the command (or start the GUI through app), and turn every error into
one Danish line on stderr and an exit code, never a traceback.
"""

from __future__ import annotations

import os
import sys

from behandlerklient.cli.admin import (
    cmd_caseload,
    cmd_keys,
    cmd_passphrase,
    cmd_recovery,
    cmd_settings,
    cmd_supervision,
    cmd_user,
)
from behandlerklient.cli.common import (
    EXIT_FAIL,
    EXIT_INPUT,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
)
from behandlerklient.cli.database import (
    cmd_backup,
    cmd_demo,
    cmd_export_json,
    cmd_import,
    cmd_init,
    cmd_list,
    cmd_restore,
    cmd_verify,
)
from behandlerklient.cli.journal import cmd_audit, cmd_export, cmd_sdq
from behandlerklient.cli.parser import build_parser
from behandlerklient.cli.reports import cmd_report
from behandlerklient.cli.sync import cmd_sync
from behandlerklient.core.errors import KnownError, ValidationError


def cmd_self_check() -> int:
    from behandlerklient.app import qt_version  # the frozen program must carry Qt too
    from behandlerklient.services.verify.self_check import run

    for line in run():
        print(line)
    print(f"Qt {qt_version()}")
    print("OK")
    return EXIT_OK


COMMANDS = {"init": cmd_init, "demo": cmd_demo, "verify": cmd_verify, "list": cmd_list,
            "export-json": cmd_export_json, "import": cmd_import, "sdq": cmd_sdq, "user": cmd_user,
            "audit": cmd_audit, "export": cmd_export, "report": cmd_report, "settings": cmd_settings,
            "backup": cmd_backup, "restore": cmd_restore, "passphrase": cmd_passphrase,
            "recovery": cmd_recovery, "keys": cmd_keys, "caseload": cmd_caseload,
            "supervision": cmd_supervision, "sync": cmd_sync}


def main(argv: list[str] | None = None) -> int:
    from behandlerklient import hardening, logs

    hardening.disable_core_dumps()  # first: nothing later may leave the key or names in a core file
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(f"fejl: {exc} (se 'behandlerklient --help')", file=sys.stderr)
        return EXIT_USAGE
    logs.configure()
    try:
        if args.self_check:
            return cmd_self_check()
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
