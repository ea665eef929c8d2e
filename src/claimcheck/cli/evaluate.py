"""`claimcheck eval`: accuracy on labelled passages."""

from __future__ import annotations

import json as jsonlib
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from claimcheck.checker import Checker
from claimcheck.cli.app import app
from claimcheck.cli.common import (
    RulesOption,
    stdout_console,
    user_errors,
)


class EvalFormat(str, Enum):
    text = "text"
    json = "json"


@app.command("eval")
def eval_command(
    files: Annotated[
        list[Path], typer.Argument(help="Labelled .jsonl or .jsonl.gz files (CONTRACT.md section 5).")
    ],
    fmt: Annotated[
        EvalFormat, typer.Option("--format", "-f", help="text (tables) or json.")
    ] = EvalFormat.text,
    show_errors: Annotated[
        bool, typer.Option("--show-errors", help="List false positives and negatives.")
    ] = False,
    rules: RulesOption = None,
    min_f1: Annotated[
        float | None,
        typer.Option("--min-f1", help="Exit 1 when micro-F1 falls below this floor (for CI)."),
    ] = None,
) -> None:
    """Measure precision, recall and F1 per category on labelled passages."""
    from claimcheck.evaluation import evaluate
    from claimcheck.render.evaltable import render_eval

    with user_errors():
        checker = Checker(rules or [])
        results = [evaluate(checker, path) for path in files]
    if fmt is EvalFormat.json:
        payload = [r.as_dict() for r in results]
        if not show_errors:
            for item in payload:
                item.pop("errors")
        sys.stdout.write(
            jsonlib.dumps(payload[0] if len(payload) == 1 else payload, indent=2, ensure_ascii=False) + "\n"
        )
    else:
        for result in results:
            render_eval(result, stdout_console(), show_errors=show_errors)
    below = min_f1 is not None and any(r.micro.f1 < min_f1 for r in results)
    raise typer.Exit(1 if below else 0)
