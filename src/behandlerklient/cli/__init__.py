"""The headless admin commands, and the door to the GUI. Errors are one Danish line on stderr, never a traceback.

Exit codes: 0 success, 1 other failure, 2 usage error, 3 cannot unlock, 4 invalid input data, 5 refused by a rule.

One module per group of commands: `database` (init, demo, verify, list, export-json, import, backup, restore),
`journal` (export journal/gp-letter, audit, sdq), `reports` (report activity/fidelity/monitoring), `sync`,
`admin` (user, keys, passphrase, recovery, settings, caseload, supervision); `parser` holds the grammar,
`common` what they share and `dispatch` runs them (`main`, the `behandlerklient` entry point).
"""

from behandlerklient.cli.dispatch import main

__all__ = ["main"]
