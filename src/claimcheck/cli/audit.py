"""`claimcheck audit`: crawl one site with WARC evidence and check every page."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

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
    byte_size,
    exit_code,
    make_checker,
    stderr_console,
    user_errors,
    validate_lang,
)
from claimcheck.errors import ClaimcheckError
from claimcheck.findings import Report
from claimcheck.render.terminal import safe


@app.command()
def audit(
    url: Annotated[str, typer.Argument(help="The site's start page (http or https).")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Audit folder: WARC evidence, store, report, manifest.")
    ],
    depth: Annotated[int, typer.Option("--depth", help="Links to follow from the start page.")] = 2,
    max_pages: Annotated[int, typer.Option("--max-pages", help="Stop after this many pages.")] = 200,
    delay: Annotated[float, typer.Option("--delay", help="Seconds between requests.")] = 1.0,
    timeout: Annotated[
        float,
        typer.Option("--timeout", help="Seconds before a slow response (or a page's render) is given up."),
    ] = 20.0,
    max_bytes: Annotated[
        str, typer.Option("--max-bytes", help="Bytes read per response; more is truncated.")
    ] = "10MB",
    include_subdomains: Annotated[
        bool, typer.Option("--include-subdomains", help="Also crawl subdomains.")
    ] = False,
    ignore_robots: Annotated[
        bool, typer.Option("--ignore-robots", help="Do not honour robots.txt (warns).")
    ] = False,
    contact: Annotated[
        str | None, typer.Option("--contact", help="URL or e-mail for the User-Agent.")
    ] = None,
    sitemaps: Annotated[bool, typer.Option("--sitemaps/--no-sitemaps", help="Seed from sitemap.xml.")] = True,
    render: Annotated[
        bool,
        typer.Option(
            "--render", help="Check each page as headless Chromium shows it (after its scripts ran)."
        ),
    ] = False,
    screenshots: Annotated[
        bool,
        typer.Option("--screenshots", help="A full-page PNG of every flagged page (headless Chromium)."),
    ] = False,
    rules: RulesOption = None,
    model: ModelOption = None,
    no_model: NoModelOption = False,
    fast: FastOption = False,
    min_confidence: MinConfidenceOption = 0.0,
    lang: LangOption = None,
    fail_on: FailOnOption = FailOn.never,
    progress: Annotated[
        bool | None, typer.Option("--progress/--no-progress", help="Live progress on stderr.")
    ] = None,
) -> None:
    """Crawl one clinic's site, keep every response as WARC evidence, and check every page."""
    from rich.status import Status

    from claimcheck.audit import MANIFEST_NAME, REPORT_NAME, WARC_NAME, AuditOptions, run_audit
    from claimcheck.store import STORE_NAME, Store

    console = stderr_console()
    with user_errors():
        validate_lang(lang)
        if depth < 0 or max_pages < 1 or delay < 0 or timeout <= 0:
            raise ClaimcheckError(
                "--depth >= 0, --max-pages >= 1, --delay >= 0 and --timeout > 0 are required"
            )
        options = AuditOptions(
            depth=depth,
            max_pages=max_pages,
            delay=delay,
            timeout=timeout,
            max_bytes=byte_size(max_bytes),
            include_subdomains=include_subdomains,
            ignore_robots=ignore_robots,
            contact=contact,
            use_sitemaps=sitemaps,
            render=render,
            screenshots=screenshots,
        )
        checker = make_checker(rules, model, no_model, fast, min_confidence)
        live = progress if progress is not None else sys.stderr.isatty()
        seen = {"pages": 0, "flagged": 0}
        with Status("starting the crawl", console=console) if live else nullcontext() as status:

            def on_page(report: Report) -> None:
                seen["pages"] += 1
                seen["flagged"] += report.verdict == "flagged"
                if status is not None:
                    status.update(
                        safe(f"{seen['pages']} pages checked, {seen['flagged']} flagged — {report.url}")
                    )

            result = run_audit(
                url,
                out,
                options,
                checker,
                lang=lang,
                log=lambda m: console.print(safe(m, "yellow")),
                on_page=on_page,
            )
    table = Table(title=safe(f"audit of {url}"), title_justify="left", show_header=False)
    table.add_column("what", style="dim")
    table.add_column("value", overflow="fold")
    table.add_row("pages fetched", str(result.pages_fetched))
    table.add_row("pages checked", str(result.pages_checked))
    table.add_row("flagged", str(result.flagged))
    table.add_row("skipped", str(len(result.skipped)))
    for item in result.skipped[:20]:
        table.add_row(safe("  " + item["reason"]), safe(item["url"]))
    if result.truncated:
        table.add_row(f"truncated at {options.max_bytes:,} bytes", str(len(result.truncated)))
    if result.blocked_by_robots:
        table.add_row("blocked by robots.txt", str(len(result.blocked_by_robots)))
    if render:
        table.add_row("rendered", str(len(result.rendered)))
    if screenshots:
        table.add_row("screenshots", str(sum(1 for shot in result.screenshots if shot.get("file"))))
    with Store(out / STORE_NAME, readonly=True) as store:  # the audit's own store: rankings and exit code
        ranked = store.by_page(10)
        code = exit_code(store.reports(), fail_on)
    for _id, page, _verdict, score, categories in ranked:
        if score:
            table.add_row("  risk " + str(score), safe(f"{page}  {categories.replace(',', ', ')}"))
    if result.interrupted:
        table.add_row("interrupted", "yes: the report and manifest cover what was fetched")
    table.add_row("evidence", str(out / WARC_NAME))
    table.add_row("report", str(out / REPORT_NAME))
    table.add_row("manifest", str(out / MANIFEST_NAME))
    console.print(table)
    raise typer.Exit(130 if result.interrupted else code)
