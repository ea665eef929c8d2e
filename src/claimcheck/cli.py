"""The command line: a thin typer layer over Checker, the sources and the renderers."""

from __future__ import annotations

import json as jsonlib
import math
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from claimcheck import __version__
from claimcheck.checker import Checker
from claimcheck.errors import ClaimcheckError
from claimcheck.findings import Report
from claimcheck.render.jsonout import report_json, report_jsonl
from claimcheck.render.terminal import render_report, safe, summary_line
from claimcheck.rules.model import SEVERITIES
from claimcheck.sources.document import Document
from claimcheck.sources.inputs import check_inputs_exist, iter_documents, read_single
from claimcheck.textnorm import printable

app = typer.Typer(
    name="claimcheck",
    help="Flag red-flag stem-cell clinic claims in text, HTML, URLs and batches, telling claims from warnings.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="List, show and test the rule packs.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

EXIT_CLEAN, EXIT_FLAGGED, EXIT_USAGE = 0, 1, 2


class FailOn(str, Enum):
    low = "low"
    medium = "medium"
    high = "high"
    never = "never"


class CheckFormat(str, Enum):
    text = "text"
    json = "json"


RulesOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--rules", "-r", help="Extra pattern file or folder (repeatable); adds to the shipped packs."
    ),
]
LangOption = Annotated[
    str | None,
    typer.Option("--lang", help="Force the language (en, es) instead of detecting it per block."),
]
FailOnOption = Annotated[
    FailOn, typer.Option("--fail-on", help="Exit 1 when a finding at or above this severity is asserted.")
]


def stdout_console() -> Console:
    # rich already honours NO_COLOR and plain output when stdout is not a terminal.
    return Console(highlight=False, soft_wrap=False)


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False)


@contextmanager
def user_errors() -> Iterator[None]:
    """A user's mistake is one line on stderr and exit 2, never a traceback."""
    try:
        yield
    except ClaimcheckError as exc:
        # The message holds file names, URLs and server text: printed as plain text, never as markup.
        stderr_console().print(Text.assemble(("claimcheck: error: ", "bold red"), safe(exc)), soft_wrap=True)
        raise typer.Exit(EXIT_USAGE) from None
    except BrokenPipeError:
        # The reader went away (`| head`); that is not an error.
        sys.stderr.close()
        raise typer.Exit(EXIT_CLEAN) from None


def exit_code(reports: list[Report] | Iterator[Report], fail_on: FailOn) -> int:
    if fail_on is FailOn.never:
        return EXIT_CLEAN
    threshold = SEVERITIES[fail_on.value]
    for report in reports:
        if any(SEVERITIES[f.severity] >= threshold for f in report.asserted):
            return EXIT_FLAGGED
    return EXIT_CLEAN


def _validate_lang(lang: str | None) -> None:
    if lang is not None and lang not in ("en", "es"):
        raise ClaimcheckError(f"--lang {lang}: supported languages are en and es")


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
        _validate_lang(lang)
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


class ScanFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    text = "text"


@app.command()
def scan(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(help="Files, folders, .warc(.gz), .jsonl(.gz), URLs, or - for JSONL on stdin."),
    ] = None,
    fmt: Annotated[
        ScanFormat, typer.Option("--format", "-f", help="jsonl (contract reports), csv (findings) or text.")
    ] = (ScanFormat.jsonl),
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
    db: Annotated[
        Path | None, typer.Option("--db", help="Store every report in this SQLite file; re-runs resume.")
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (default: all cores).")] = 0,
    dask: Annotated[
        str | None, typer.Option("--dask", help="Dask scheduler address, or 'local' for a LocalCluster.")
    ] = None,
    glob: Annotated[
        str | None, typer.Option("--glob", help="Only files in folders whose name matches, e.g. '*.html'.")
    ] = None,
    urls: Annotated[
        Path | None, typer.Option("--urls", help="A .txt file with one URL per line to fetch and check.")
    ] = None,
    fail_on: FailOnOption = FailOn.low,
    rules: RulesOption = None,
    lang: LangOption = None,
    progress: Annotated[
        bool | None, typer.Option("--progress/--no-progress", help="Live progress on stderr.")
    ] = None,
) -> None:
    """Check many documents; reports stream out in input order and, with --db, into a resumable store."""
    from claimcheck.batch import CheckerSpec, check_in_order, default_jobs
    from claimcheck.render.csvout import FindingsCsv
    from claimcheck.render.progress import ScanProgress, summary_table
    from claimcheck.sources.inputs import read_url_list
    from claimcheck.store import Store
    from claimcheck.summary import ScanStats

    all_inputs = list(inputs or [])
    stats = ScanStats()
    code = EXIT_CLEAN
    with user_errors():
        _validate_lang(lang)
        if urls is not None:
            all_inputs += read_url_list(urls)
        if not all_inputs:
            raise ClaimcheckError(
                "nothing to scan: give files, folders, archives, JSONL, URLs or --urls FILE"
            )
        if jobs < 0:
            raise ClaimcheckError("--jobs must be 0 (all cores) or more")
        check_inputs_exist(all_inputs)
        spec = CheckerSpec(rules=tuple(str(r) for r in rules or []), lang=lang)
        ruleset = spec.build().ruleset  # validates the packs before any document is read
        store = Store(db) if db else None
        sink = _open_sink(out)
        csv_writer = FindingsCsv(sink) if fmt is ScanFormat.csv else None
        show_progress = progress if progress is not None else sys.stderr.isatty()
        console = stderr_console()
        interrupted = False
        started = time.perf_counter()
        if store:
            previous = store.previous_rules_digest()
            if previous and previous != ruleset.digest:
                console.print(
                    safe(
                        f"warning: the rules changed since this store's last run ({previous} -> {ruleset.digest}); "
                        "stored documents keep their earlier reports",
                        "yellow",
                    )
                )
            store.start_run(tool_version=__version__, rules_digest=ruleset.digest, inputs=all_inputs)
        sizes: dict[str, int] = {}

        def pending() -> Iterator[Document | Report]:
            """Documents to check; those already in the store come back as their stored report, in place."""
            for doc in iter_documents(all_inputs, glob=glob):
                sizes[doc.source] = len(doc.raw)
                stored = store.stored(doc.source, doc.sha256) if store else None
                if stored is not None:
                    stats.already_stored += 1
                    yield stored
                else:
                    yield doc

        try:
            with ScanProgress(
                stats, total_bytes=_input_bytes(all_inputs, glob), enabled=show_progress
            ) as live:
                for report in check_in_order(spec, pending(), jobs=jobs or default_jobs(), dask=dask):
                    size = sizes.pop(report.source, 0)
                    stats.add(report, size)
                    live.advance(size)
                    if store:
                        store.add(report)
                    if csv_writer:
                        csv_writer.write(report)
                    elif fmt is ScanFormat.jsonl:
                        sink.write(report_jsonl(report) + "\n")
                    else:
                        sink.write(f"{report.verdict:8} {printable(report.source)}  {summary_line(report)}\n")
                    if exit_code([report], fail_on) == EXIT_FLAGGED:
                        code = EXIT_FLAGGED
        except KeyboardInterrupt:
            interrupted = True
        finally:
            if store:
                store.finish_run(documents=stats.documents, skipped=stats.skipped, interrupted=interrupted)
                store.close()
            if out:
                sink.close()
            else:
                sink.flush()
        if show_progress or interrupted:
            console.print(summary_table(stats, time.perf_counter() - started))
        if interrupted:
            again = "run the same command again to resume" if db else "add --db FILE to make a scan resumable"
            console.print(safe(f"Interrupted after {stats.documents} documents; {again}.", "yellow"))
            raise typer.Exit(130)
    raise typer.Exit(code)


def _open_sink(out: Path | None) -> TextIO:
    if out is None:
        return sys.stdout
    try:
        return out.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise ClaimcheckError(f"{out}: cannot write ({exc.strerror})") from None


def _input_bytes(inputs: list[str], glob: str | None) -> int | None:
    """Total size of the inputs when it predicts progress (plain files and folders), else None (no ETA)."""
    from fnmatch import fnmatch

    total = 0
    for value in inputs:
        path = Path(value)
        if value == "-" or value.lower().startswith(("http://", "https://")) or value.endswith(".gz"):
            return None
        files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
        for file in files:
            if file.name.endswith(".gz"):
                return None
            if path.is_dir() and glob and not fnmatch(file.name, glob):
                continue
            total += file.stat().st_size
    return total or None


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
            with _open_sink(csv_out) as handle:
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
            with _open_sink(html_out) as handle:
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


def _byte_size(text: str) -> int:
    """ "10MB", "500k", "2000000" -> bytes (a finite size above zero)."""
    units = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3}
    number = text.strip().lower()
    digits = number.rstrip("kmgb")
    try:
        size = float(digits) * units[number[len(digits) :]]
    except (ValueError, KeyError):
        size = float("nan")
    if not math.isfinite(size) or size < 1:
        raise ClaimcheckError(f"--max-bytes {text}: use a size above zero such as 10MB, 500k or 2000000")
    return int(size)


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
        float, typer.Option("--timeout", help="Seconds before a slow response is given up.")
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
    rules: RulesOption = None,
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
        _validate_lang(lang)
        if depth < 0 or max_pages < 1 or delay < 0 or timeout <= 0:
            raise ClaimcheckError(
                "--depth >= 0, --max-pages >= 1, --delay >= 0 and --timeout > 0 are required"
            )
        options = AuditOptions(
            depth=depth,
            max_pages=max_pages,
            delay=delay,
            timeout=timeout,
            max_bytes=_byte_size(max_bytes),
            include_subdomains=include_subdomains,
            ignore_robots=ignore_robots,
            contact=contact,
            use_sitemaps=sitemaps,
        )
        checker = Checker(rules or [])
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
            with _open_sink(html_out) as handle:
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


@rules_app.command("list")
def rules_list(rules: RulesOption = None) -> None:
    """List every rule with its category, severity and language."""
    with user_errors():
        ruleset = Checker(rules or []).ruleset
        table = Table(title=f"{len(ruleset.rules)} rules, {len(ruleset.context_rules)} context cues")
        for column in ("id", "category", "severity", "lang", "examples"):
            table.add_column(column)
        for rule in ruleset.rules:
            table.add_row(
                rule.id,
                rule.category,
                rule.severity,
                rule.lang,
                f"{len(rule.examples_flag)} flag / {len(rule.examples_ok)} ok",
            )
        stdout_console().print(table)


@rules_app.command("show")
def rules_show(
    rule_id: Annotated[str, typer.Argument(help="A rule or context cue id.")], rules: RulesOption = None
) -> None:
    """Show one rule or context cue in full, with where it is defined."""
    import yaml

    with user_errors():
        ruleset = Checker(rules or []).ruleset
        item = ruleset.get(rule_id)
        if item is None:
            raise ClaimcheckError(f"no rule or cue with id {rule_id!r} (see `claimcheck rules list`)")
        console = stdout_console()
        console.print(safe(f"{item.origin.path}:{item.origin.line}", "dim"))
        console.print(
            yaml.safe_dump(item.as_data(), allow_unicode=True, sort_keys=False, width=100), markup=False
        )


@rules_app.command("test")
def rules_test(
    rules: RulesOption = None,
    only: Annotated[str | None, typer.Option("--only", help="Only ids starting with this prefix.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List passing examples too.")] = False,
) -> None:
    """Run every rule's and context cue's embedded examples; exit 1 on any failure."""
    from claimcheck.ruletest import run_examples

    with user_errors():
        checker = Checker(rules or [])
        results = run_examples(checker, only)
        if not results:
            raise ClaimcheckError(
                f"--only {only}: no rule or cue id starts with it (see `claimcheck rules list`)"
            )
    failed = [r for r in results if not r.passed]
    console = stdout_console()
    shown = results if verbose else failed
    if shown:
        table = Table(title="failing examples" if not verbose else "examples", show_lines=True, expand=True)
        for column in ("rule", "kind", "example", "got"):
            table.add_column(column, overflow="fold")
        table.add_column("ok", no_wrap=True)
        for r in shown:
            verdict = Text("pass", style="green") if r.passed else Text("FAIL", style="red")
            table.add_row(r.rule, r.kind, safe(r.text), safe(r.got), verdict)
        console.print(table)
    by_kind = {k: sum(1 for r in results if r.kind == k) for k in ("flag", "ok", "context")}
    console.print(
        f"{len(results) - len(failed)} passed, {len(failed)} failed "
        f"({by_kind['flag']} flag, {by_kind['ok']} ok, {by_kind['context']} context examples; "
        f"{len(checker.ruleset.rules)} rules, {len(checker.ruleset.context_rules)} cues)"
    )
    raise typer.Exit(1 if failed else 0)


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


if __name__ == "__main__":
    main()
