"""The contract's JSON (one report) and JSON Lines (one report per line)."""

from __future__ import annotations

import json

from claimcheck.findings import Report


def report_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


def report_jsonl(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, separators=(",", ":"))
