"""`claimcheck check`: one document, an annotated report or the JSON report."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer

from claimcheck.checker import Checker
from claimcheck.cli.app import app
from claimcheck.cli.common import (
    FailOn,
    FailOnOption,
    LangOption,
    RulesOption,
    exit_code,
    stdout_console,
    user_errors,
    validate_lang,
)
from claimcheck.errors import ClaimcheckError
from claimcheck.render.jsonout import report_json
from claimcheck.render.terminal import render_report
from claimcheck.sources.inputs import read_single


class CheckFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def check(
    source: Annotated[
        str, typer.Argument(help="A .txt/.md/.html file, - for standard input, or an http(s) URL.")
    ],
    fmt: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="text (annotated) or json (the contract).")
    ] = (CheckFormat.text),
    fail_on: FailOnOption = FailOn.low,
    rules: RulesOption = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also show non-asserted mentions in the text view.")
    ] = False,
    lang: LangOption = None,
) -> None:
    """Check one document and print an annotated report (or the JSON report)."""
    with user_errors():
        validate_lang(lang)
        checker = Checker(rules or [])
        document = read_single(source)
        report = checker.check_document(document, lang=lang)
        if report.error is not None:
            raise ClaimcheckError(f"{source}: {report.error}")
        if fmt is CheckFormat.json:
            sys.stdout.write(report_json(report) + "\n")
        else:
            render_report(report, stdout_console(), show_all=show_all)
    raise typer.Exit(exit_code([report], fail_on))
