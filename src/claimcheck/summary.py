"""Running totals of a batch: what the scan's summary table and progress line show. Plain data.

Bounded whatever the batch: a crawl over millions of domains keeps the MAX_DOMAINS riskiest (the table
shows ten; `report --by domain` on the store is exact), and reasons past MAX_REASONS count as one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from claimcheck.findings import Report

MAX_DOMAINS = 10_000
MAX_REASONS = 200
OTHER_REASONS = "other reasons"


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
            reason = report.skip_reason or "unknown error"
            if reason not in self.skip_reasons and len(self.skip_reasons) >= MAX_REASONS:
                reason = OTHER_REASONS
            self.skip_reasons[reason] += 1
            return
        if report.verdict == "flagged":
            self.flagged += 1
        else:
            self.clean += 1
        self.categories.update(f.category for f in report.asserted)
        domain = report.domain or "(local files)"
        self.domain_pages[domain] += 1
        self.domain_score[domain] += report.score
        if len(self.domain_pages) > MAX_DOMAINS:
            self._prune_domains()

    def _prune_domains(self) -> None:
        """Keep the riskier half: a domain dropped here and seen again starts counting afresh."""
        ranked = sorted(self.domain_pages, key=lambda d: (-self.domain_score[d], -self.domain_pages[d]))
        for domain in ranked[MAX_DOMAINS // 2 :]:
            del self.domain_pages[domain]
            self.domain_score.pop(domain, None)
