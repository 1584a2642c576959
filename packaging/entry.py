"""Entry point of the frozen program."""

import sys

from behandlerklient.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
