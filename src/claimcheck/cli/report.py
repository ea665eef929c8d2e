"""`claimcheck report`: summaries, exports and the HTML report from a store."""

from __future__ import annotations

import json as jsonlib
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from claimcheck.cli.app import app
from claimcheck.cli.common import (
    open_sink,
    stderr_console,
    stdout_console,
    user_errors,
)
from claimcheck.render.terminal import safe


class ReportFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"


class ReportBy(str, Enum):
    domain = "domain"
    page = "page"
    rule = "rule"


@app.command()
def report(
    target: Annotated[Path, typer.Argument(help="A store from `scan --db`, or an audit folder.")],
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="table (terminal) or jsonl (stored reports).")
    ] = (ReportFormat.table),
    by: Annotated[
        ReportBy, typer.Option("--by", help="Summary table by domain, page or rule.")
    ] = ReportBy.domain,
    csv_out: Annotated[
        Path | None, typer.Option("--csv", help="Write the findings table to this CSV file.")
    ] = None,
    html_out: Annotated[
        Path | None, typer.Option("--html", help="Write a self-contained HTML report here.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Rows in the summary table.")] = 25,
) -> None:
    """Summaries, exports and the HTML report from a store."""
    from claimcheck.render.csvout import FindingsCsv
    from claimcheck.store import Store, store_path

    with user_errors(), Store(store_path(target), readonly=True) as store:
        if csv_out:
            with open_sink(csv_out) as handle:
                FindingsCsv(handle).write_all(store.reports())
        if html_out:
            from claimcheck.render.html import write_html_report

            runs = store.db.execute(
                "SELECT tool_version, rules_digest, started_at FROM runs ORDER BY id DESC"
            ).fetchone()
            meta = {"store": str(target)}
            if runs:
                meta.update(
                    {"tool version": str(runs[0]), "rules digest": str(runs[1]), "last run": str(runs[2])}
                )
            with open_sink(html_out) as handle:
                write_html_report(store.reports(order="score"), handle, meta=meta)
        if fmt is ReportFormat.jsonl:
            for data in store.report_dicts():
                sys.stdout.write(jsonlib.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
        elif not (csv_out or html_out):
            stdout_console().print(_summary(store, by, limit))
        else:
            written = ", ".join(str(p) for p in (csv_out, html_out) if p)
            stderr_console().print(f"wrote {written}")


def _summary(store: Any, by: ReportBy, limit: int) -> Table:
    totals = store.totals()
    title = f"{sum(totals.values())} documents: " + ", ".join(f"{v} {k}" for k, v in sorted(totals.items()))
    table = Table(title=title, title_justify="left")
    columns: tuple[str, ...]
    if by is ReportBy.domain:
        columns, rows = ("domain", "pages", "flagged", "risk score"), store.by_domain(limit)
    elif by is ReportBy.page:
        columns, rows = ("id", "url or source", "verdict", "risk score", "categories"), store.by_page(limit)
    else:
        columns, rows = ("rule", "category", "findings", "pages", "asserted"), store.by_rule(limit)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*[safe(v) for v in row])
    return table
