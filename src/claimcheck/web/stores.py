"""Browse a store (from `scan --db`) or an audit folder, read-only: totals, the last run, rankings by
domain, page and rule (as `claimcheck report --by`), and one stored page with its findings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from claimcheck.errors import ClaimcheckError
from claimcheck.findings import Report
from claimcheck.render.reportmodel import BatchView, PageView, clean, page_view
from claimcheck.store import Store, store_path


@dataclass
class StoreView:
    path: str
    totals: dict[str, int]
    run: list[tuple[str, str]]  # (what, value) of the latest run
    domains: list[tuple[str, int, int, int]]  # domain, pages, flagged, score
    pages: list[tuple[PageView, str]]  # the page, the href of its stored view
    rules: list[tuple[str, str, int, int, int]]  # rule, category, findings, pages, asserted
    limit: int
    documents: int = field(init=False)

    def __post_init__(self) -> None:
        self.documents = sum(self.totals.values())


def _open(target: Path) -> Store:
    return Store(store_path(target), readonly=True)  # read-only: the server never writes a store


def browse(target: Path, limit: int, href: Callable[[Report], str]) -> StoreView:
    with _open(target) as store:
        row = store.db.execute(
            "SELECT tool_version, rules_digest, started_at, finished_at FROM runs ORDER BY id DESC"
        ).fetchone()
        run = [
            (what, clean(value, 200))
            for what, value in zip(
                ("tool version", "rules digest", "started", "finished"), row or (), strict=False
            )
            if value
        ]
        batch = BatchView()
        checked = (report for report in store.reports(order="score") if report.error is None)
        pages = [(page_view(report, batch), href(report)) for report in islice(checked, limit)]
        return StoreView(
            path=clean(str(target), 500),
            totals={clean(k, 20): int(v) for k, v in store.totals().items()},
            run=run,
            domains=[(clean(d), int(p), int(f or 0), int(s or 0)) for d, p, f, s in store.by_domain(limit)],
            pages=pages,
            rules=[
                (clean(r, 120), clean(c, 80), int(n), int(p), int(a or 0))
                for r, c, n, p, a in store.by_rule(limit)
            ],
            limit=limit,
        )


def stored_page(target: Path, source: str, sha256: str) -> PageView:
    with _open(target) as store:
        report = store.stored(source, sha256)
    if report is None:
        raise ClaimcheckError(f"{clean(source)}: not in this store (it may have been checked again since)")
    return page_view(report, BatchView())
