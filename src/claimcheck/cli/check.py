"""`claimcheck check`: one document, an annotated report or the JSON report."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer

from claimcheck.browser import Browser, RenderError, require_browser
from claimcheck.cli.app import app
from claimcheck.cli.common import (
    FailOn,
    FailOnOption,
    FastOption,
    LangOption,
    MinConfidenceOption,
    ModelOption,
    NoModelOption,
    RulesOption,
    exit_code,
    make_checker,
    stdout_console,
    user_errors,
    validate_lang,
)
from claimcheck.errors import ClaimcheckError
from claimcheck.render.jsonout import report_json
from claimcheck.render.terminal import render_report
from claimcheck.sources.document import Document
from claimcheck.sources.inputs import read_single
from claimcheck.sources.url import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, USER_AGENT, fetch, is_url


class CheckFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def check(
    source: Annotated[
        str, typer.Argument(help="A .txt/.md/.html/.pdf file, - for standard input, or an http(s) URL.")
    ],
    fmt: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="text (annotated) or json (the contract).")
    ] = (CheckFormat.text),
    fail_on: FailOnOption = FailOn.low,
    rules: RulesOption = None,
    model: ModelOption = None,
    no_model: NoModelOption = False,
    fast: FastOption = False,
    min_confidence: MinConfidenceOption = 0.0,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also show non-asserted mentions in the text view.")
    ] = False,
    lang: LangOption = None,
    render: Annotated[
        bool,
        typer.Option("--render", help="Check a URL as headless Chromium shows it (after its scripts ran)."),
    ] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds for fetching (and rendering) a URL.")
    ] = DEFAULT_TIMEOUT,
) -> None:
    """Check one document and print an annotated report (or the JSON report)."""
    with user_errors():
        validate_lang(lang)
        if timeout <= 0:
            raise ClaimcheckError("--timeout must be > 0")
        if render and not is_url(source):
            raise ClaimcheckError(f"{source}: --render needs an http(s) URL")
        browser = require_browser("--render") if render else None  # before anything is fetched
        checker = make_checker(rules, model, no_model, fast, min_confidence)
        document = fetch(source, timeout=timeout) if is_url(source) else read_single(source)
        if browser is not None and document.kind == "html" and document.error is None:
            document = rendered(document, browser, timeout)
        report = checker.check_document(document, lang=lang)
        if report.error is not None:
            raise ClaimcheckError(f"{source}: {report.error}")
        if fmt is CheckFormat.json:
            sys.stdout.write(report_json(report) + "\n")
        else:
            render_report(report, stdout_console(), show_all=show_all)
    raise typer.Exit(exit_code([report], fail_on))


def rendered(document: Document, executable: str, timeout: float) -> Document:
    """The page as the browser shows it: the fetched bytes loaded in Chromium, the DOM after scripts ran."""
    url = document.url or document.source
    content_type = f"text/html; charset={document.charset}" if document.charset else "text/html"
    try:
        with (
            Browser(
                executable, timeout=timeout, max_bytes=DEFAULT_MAX_BYTES, user_agent=USER_AGENT
            ) as browser,
            browser.page(url, body=document.raw, content_type=content_type) as tab,
        ):
            dom = tab.dom()
    except RenderError as exc:
        raise ClaimcheckError(f"{document.source}: not rendered: {exc}") from None
    return Document(
        id=document.id,
        source=document.source,
        raw=dom.html,
        url=url,
        kind="html",
        charset="utf-8",
        truncated=document.truncated or dom.truncated,
    )
