"""`claimcheck diff`: what a site added or removed between two audits."""

from __future__ import annotations

import json as jsonlib
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from claimcheck.cli.app import app
from claimcheck.cli.common import (
    open_sink,
    stdout_console,
    user_errors,
)
from claimcheck.render.terminal import safe


class DiffFormat(str, Enum):
    table = "table"
    json = "json"


@app.command("diff")
def diff_command(
    old: Annotated[Path, typer.Argument(help="The earlier audit folder or store.")],
    new: Annotated[Path, typer.Argument(help="The later audit folder or store.")],
    fmt: Annotated[DiffFormat, typer.Option("--format", "-f", help="table or json.")] = DiffFormat.table,
    html_out: Annotated[
        Path | None, typer.Option("--html", help="Write a side-by-side HTML report here.")
    ] = None,
    include_mentions: Annotated[
        bool, typer.Option("--all", help="Compare non-asserted mentions too.")
    ] = False,
) -> None:
    """What a site added or removed between two audits: claims per page, pages that appeared or vanished."""
    from claimcheck.diff import diff, load_claims
    from claimcheck.render.diffhtml import write_diff_html

    with user_errors():
        result = diff(
            load_claims(old, include_mentions=include_mentions),
            load_claims(new, include_mentions=include_mentions),
        )
        if html_out:
            with open_sink(html_out) as handle:
                write_diff_html(result, handle, old=str(old), new=str(new))
    if fmt is DiffFormat.json:
        sys.stdout.write(jsonlib.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    console = stdout_console()
    console.print(
        f"{len(result.added)} claims added, {len(result.removed)} removed, {result.unchanged} unchanged; "
        f"{len(result.pages_added)} pages appeared, {len(result.pages_removed)} vanished"
    )
    for title, claims, style in (("added", result.added, "green"), ("removed", result.removed, "red")):
        if not claims:
            continue
        table = Table(title=title, title_justify="left", title_style=style, show_lines=True, expand=True)
        for column in ("page", "category", "claim", "sentence"):
            table.add_column(column, overflow="fold", ratio=2 if column == "sentence" else 1)
        for claim in claims:
            table.add_row(safe(claim.url), claim.category, safe(claim.text), safe(claim.sentence))
        console.print(table)
    for title, pages in (
        ("pages that appeared", result.pages_added),
        ("pages that vanished", result.pages_removed),
    ):
        for page in pages:
            console.print(safe(f"{title}: {page}"))
