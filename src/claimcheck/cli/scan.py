"""`claimcheck scan`: many documents streamed in input order, optionally into a resumable store."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer
from rich.console import Console

from claimcheck import __version__
from claimcheck.cli.app import app
from claimcheck.cli.common import (
    EXIT_CLEAN,
    EXIT_FLAGGED,
    FailOn,
    FailOnOption,
    FastOption,
    LangOption,
    MinConfidenceOption,
    ModelOption,
    NoModelOption,
    RulesOption,
    exit_code,
    model_choice,
    open_sink,
    stderr_console,
    user_errors,
    validate_lang,
)
from claimcheck.errors import ClaimcheckError
from claimcheck.findings import Report
from claimcheck.render.jsonout import report_jsonl
from claimcheck.render.terminal import safe, summary_line
from claimcheck.sources.document import Document
from claimcheck.sources.inputs import check_inputs_exist, iter_documents
from claimcheck.textnorm import printable

if TYPE_CHECKING:
    from claimcheck.store import Store
    from claimcheck.summary import ScanStats

DOC_TIMEOUT = 30.0  # batch.DEFAULT_DOC_TIMEOUT, repeated here because batch loads spaCy (imported lazily)


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
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", help="Worker processes (default: all cores; at most 4 per core).")
    ] = 0,
    doc_timeout: Annotated[
        float,
        typer.Option(
            "--doc-timeout",
            help="Seconds one document may take before it is skipped and its worker replaced (0: no limit).",
        ),
    ] = DOC_TIMEOUT,
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
    model: ModelOption = None,
    no_model: NoModelOption = False,
    fast: FastOption = False,
    min_confidence: MinConfidenceOption = 0.0,
    lang: LangOption = None,
    progress: Annotated[
        bool | None, typer.Option("--progress/--no-progress", help="Live progress on stderr.")
    ] = None,
) -> None:
    """Check many documents; reports stream out in input order and, with --db, into a resumable store."""
    from claimcheck.batch import CheckerSpec, check_in_order, resolve_jobs
    from claimcheck.render.progress import ScanProgress, summary_table
    from claimcheck.sources.inputs import read_url_list
    from claimcheck.store import Store
    from claimcheck.summary import ScanStats

    all_inputs = list(inputs or [])
    stats = ScanStats()
    with user_errors():
        validate_lang(lang)
        if urls is not None:
            all_inputs += read_url_list(urls)
        if not all_inputs:
            raise ClaimcheckError(
                "nothing to scan: give files, folders, archives, JSONL, URLs or --urls FILE"
            )
        workers = resolve_jobs(jobs)
        if not 0 <= doc_timeout < math.inf:
            raise ClaimcheckError(f"--doc-timeout {doc_timeout}: give seconds above zero, or 0 for no limit")
        check_inputs_exist(all_inputs)
        spec = CheckerSpec(
            rules=tuple(str(r) for r in rules or []),
            lang=lang,
            model=model_choice(model, no_model),
            fast=fast,
            min_confidence=min_confidence,
        )
        ruleset = spec.build().ruleset  # validates the packs before any document is read
        store = Store(db) if db else None
        console = stderr_console()
        if store:
            _warn_if_rules_changed(store, ruleset.digest, console)
            store.start_run(tool_version=__version__, rules_digest=ruleset.digest, inputs=all_inputs)
        output = _Output(open_sink(out), fmt, store, fail_on, close=out is not None)
        show_progress = progress if progress is not None else sys.stderr.isatty()
        interrupted = False
        started = time.perf_counter()
        try:
            with ScanProgress(
                stats, total_bytes=_input_bytes(all_inputs, glob), enabled=show_progress
            ) as live:
                documents = _pending(iter_documents(all_inputs, glob=glob), store, stats, live.advance)
                for report in check_in_order(
                    spec, documents, jobs=workers, dask=dask, doc_timeout=doc_timeout
                ):
                    stats.add(report)
                    output.write(report)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            if store:
                store.finish_run(documents=stats.documents, skipped=stats.skipped, interrupted=interrupted)
                store.close()
            output.close()
        if show_progress or interrupted:
            console.print(summary_table(stats, time.perf_counter() - started))
        if interrupted:
            again = "run the same command again to resume" if db else "add --db FILE to make a scan resumable"
            console.print(safe(f"Interrupted after {stats.documents} documents; {again}.", "yellow"))
            raise typer.Exit(130)
    raise typer.Exit(output.code)


def _pending(
    documents: Iterator[Document], store: Store | None, stats: ScanStats, advance: Callable[[int], None]
) -> Iterator[Document | Report]:
    """Documents to check; those already in the store come back as their stored report, in place.

    Bytes count as they are read: a map of sizes awaiting their reports would grow with every source
    whose report came back under another name."""
    for doc in documents:
        stats.bytes += len(doc.raw)
        advance(len(doc.raw))
        stored = store.stored(doc.source, doc.sha256) if store else None
        if stored is not None:
            stats.already_stored += 1
            yield stored
        else:
            yield doc


def _warn_if_rules_changed(store: Store, digest: str, console: Console) -> None:
    previous = store.previous_rules_digest()
    if previous and previous != digest:
        console.print(
            safe(
                f"warning: the rules changed since this store's last run ({previous} -> {digest}); "
                "stored documents keep their earlier reports",
                "yellow",
            )
        )


class _Output:
    """Where each report goes as it arrives: the sink in the chosen format, the store, the exit code."""

    def __init__(
        self, sink: TextIO, fmt: ScanFormat, store: Store | None, fail_on: FailOn, *, close: bool
    ) -> None:
        from claimcheck.render.csvout import FindingsCsv

        self.sink, self.fmt, self.store, self.fail_on, self._close = sink, fmt, store, fail_on, close
        self.csv = FindingsCsv(sink) if fmt is ScanFormat.csv else None
        self.code = EXIT_CLEAN

    def write(self, report: Report) -> None:
        if self.store:
            self.store.add(report)
        if self.csv:
            self.csv.write(report)
        elif self.fmt is ScanFormat.jsonl:
            self.sink.write(report_jsonl(report) + "\n")
        else:
            self.sink.write(f"{report.verdict:8} {printable(report.source)}  {summary_line(report)}\n")
        if exit_code([report], self.fail_on) == EXIT_FLAGGED:
            self.code = EXIT_FLAGGED

    def close(self) -> None:
        if self._close:
            self.sink.close()
        else:
            self.sink.flush()


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
