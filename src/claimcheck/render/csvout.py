"""The findings table as CSV: one row per finding (documents without findings get no row)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from claimcheck.findings import Report

COLUMNS = (
    "id",
    "url",
    "source",
    "verdict",
    "category",
    "severity",
    "context",
    "cue",
    "text",
    "sentence",
    "rule",
    "message",
    "reference",
    "start",
    "end",
)


class FindingsCsv:
    """Streams rows as reports arrive, so a large batch never sits in memory."""

    def __init__(self, handle: TextIO) -> None:
        self.writer = csv.writer(handle)
        self.writer.writerow(COLUMNS)

    def write(self, report: Report) -> None:
        for f in report.findings:
            self._row(
                (
                    report.id,
                    report.url or "",
                    report.source,
                    report.verdict,
                    f.category,
                    f.severity,
                    f.context,
                    f.cue or "",
                    f.text,
                    f.sentence,
                    f.rule,
                    f.message,
                    f.reference,
                    f.start,
                    f.end,
                )
            )

    def _row(self, values: tuple[object, ...]) -> None:
        self.writer.writerow([_inert(v) for v in values])

    def write_all(self, reports: Iterable[Report]) -> None:
        for report in reports:
            self.write(report)


def _inert(value: object) -> object:
    """Scraped text that a spreadsheet would run as a formula (=, +, -, @) is prefixed with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
