"""Running totals of a batch: what the scan's summary table and progress line show. Plain data."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from claimcheck.findings import Report


@dataclass
class ScanStats:
    documents: int = 0
    flagged: int = 0
    clean: int = 0
    skipped: int = 0
    already_stored: int = 0
    bytes: int = 0
    skip_reasons: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    domain_score: Counter[str] = field(default_factory=Counter)
    domain_pages: Counter[str] = field(default_factory=Counter)

    def add(self, report: Report, size: int = 0) -> None:
        self.documents += 1
        self.bytes += size
        if report.verdict == "skipped":
            self.skipped += 1
            self.skip_reasons[report.skip_reason or "unknown error"] += 1
            return
        if report.verdict == "flagged":
            self.flagged += 1
        else:
            self.clean += 1
        self.categories.update(f.category for f in report.asserted)
        domain = report.domain or "(local files)"
        self.domain_pages[domain] += 1
        self.domain_score[domain] += report.score
