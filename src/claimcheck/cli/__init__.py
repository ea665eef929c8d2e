"""The command line: a thin typer layer over Checker, the sources and the renderers.

One module per command; `app.py` holds the typer objects, `common.py` what the commands share.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from claimcheck import __version__
from claimcheck.cli import audit, check, diff, evaluate, report, rules, scan, serve, train  # noqa: F401  (registers commands)
from claimcheck.cli.app import app

__all__ = ["app", "main"]


def version_callback(value: bool) -> None:
    if value:
        print(f"claimcheck {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """claimcheck: flag stem-cell clinic red-flag claims, and tell claims from warnings."""


def main() -> None:
    """Run the command line (Ctrl-C outside scan and audit is handled by claimcheck.__main__.run)."""
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    app()
