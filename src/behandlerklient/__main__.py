"""Entry point for `python -m behandlerklient` and the `behandlerklient` console script."""

import sys


def main() -> int:
    # The CLI decides whether the GUI is needed; Qt is only imported on that path.
    from behandlerklient.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
