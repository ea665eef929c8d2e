"""Entry point of the `claimcheck` command and of `python -m claimcheck`.

Kept tiny: Ctrl-C must be handled even while the command line and spaCy are still being imported.
"""

from __future__ import annotations

import sys


def run() -> None:
    try:
        from claimcheck.cli import main

        main()
    except KeyboardInterrupt:
        print("claimcheck: interrupted", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    run()
