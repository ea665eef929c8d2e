"""The live progress display of `scan` (stderr) and its closing summary table."""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from claimcheck.render.terminal import safe
from claimcheck.summary import ScanStats


class _RateColumn(ProgressColumn):
    def __init__(self, stats: ScanStats, started: float) -> None:
        super().__init__()
        self.stats, self.started = stats, started

    def render(self, task: Task) -> Text:
        elapsed = max(time.perf_counter() - self.started, 1e-6)
        s = self.stats
        return Text(
            f"{s.documents} docs  {s.documents / elapsed:,.1f} docs/s  {s.bytes / elapsed / 1e6:,.2f} MB/s  "
            f"flagged {s.flagged}  skipped {s.skipped}"
            + (f"  already stored {s.already_stored}" if s.already_stored else "")
        )


class ScanProgress:
    """A rich live line; the bar and ETA appear when the input size is known (plain files and folders)."""

    def __init__(self, stats: ScanStats, *, total_bytes: int | None, enabled: bool) -> None:
        self.stats, self.enabled = stats, enabled
        self.console = Console(stderr=True)
        self.started = time.perf_counter()
        columns: list[ProgressColumn | str] = [SpinnerColumn(), _RateColumn(stats, self.started)]
        if total_bytes:
            columns += [BarColumn(), TextColumn("{task.percentage:>3.0f}%"), TimeRemainingColumn()]
        self.progress = Progress(*columns, console=self.console, transient=False, disable=not enabled)
        self.task = self.progress.add_task("scan", total=total_bytes or None)

    def __enter__(self) -> ScanProgress:
        self.progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.progress.stop()

    def advance(self, size: int) -> None:
        self.progress.update(self.task, advance=size)

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started


def summary_table(stats: ScanStats, elapsed: float, *, top: int = 10) -> Table:
    table = Table(title=f"scan summary ({elapsed:,.1f} s)", title_justify="left", show_header=False)
    table.add_column("what", style="dim")
    table.add_column("value")
    table.add_row(
        "documents",
        f"{stats.documents:,}"
        + (f" (+{stats.already_stored:,} already stored)" if stats.already_stored else ""),
    )
    table.add_row("flagged", f"{stats.flagged:,}")
    table.add_row("clean", f"{stats.clean:,}")
    table.add_row("skipped", f"{stats.skipped:,}")
    for reason, n in stats.skip_reasons.most_common():
        table.add_row(safe("  skipped: " + reason), f"{n:,}")
    for category, n in sorted(stats.categories.items(), key=lambda kv: (-kv[1], kv[0])):
        table.add_row("  claims: " + category, f"{n:,}")
    for domain, score in stats.domain_score.most_common(top):
        if score:
            table.add_row(
                safe("  risk: " + domain), f"score {score:,} over {stats.domain_pages[domain]:,} page(s)"
            )
    if elapsed > 0 and stats.documents:
        table.add_row(
            "speed", f"{stats.documents / elapsed:,.1f} docs/s, {stats.bytes / elapsed / 1e6:,.2f} MB/s"
        )
    return table
