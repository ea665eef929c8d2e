"""The typer application objects; each command module registers itself on them."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="claimcheck",
    help="Flag red-flag stem-cell clinic claims in text, HTML, URLs and batches, telling claims from warnings.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="List, show and test the rule packs.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
