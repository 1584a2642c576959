"""Entry point of the frozen program."""

import multiprocessing
import sys

from behandlerklient.__main__ import main

if __name__ == "__main__":
    # A large sync pull checks envelopes in a second process (services/sync/page_checks.py), started by running
    # this program again: that run must become the worker, not a second app.
    multiprocessing.freeze_support()
    sys.exit(main())
