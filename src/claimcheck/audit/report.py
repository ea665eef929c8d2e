"""What an audit leaves beside its evidence: report.html (the stored reports ranked) and manifest.json."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

from claimcheck import __version__
from claimcheck.audit.data import (
    REPORT_NAME,
    SCREENSHOTS_DIR,
    WARC_NAME,
    AuditOptions,
    AuditResult,
)
from claimcheck.store import STORE_NAME, Store


def write_report(path: Path, store: Store, seed: str, result: AuditResult, digest: str) -> None:
    from claimcheck.render.html import write_html_report

    extra: dict[str, Any] = {}
    shots = {shot["url"]: shot["file"] for shot in result.screenshots if shot.get("file")}
    # The report's `screenshots` parameter is being added by its owner: pass it once it exists.
    if shots and "screenshots" in inspect.signature(write_html_report).parameters:
        extra["screenshots"] = shots
    with path.open("w", encoding="utf-8") as handle:
        write_html_report(
            store.reports(order="score"),
            handle,
            title=f"claimcheck audit of {seed}",
            meta={"seed": seed, "fetched": result.started_at, "rules digest": digest},
            **extra,
        )


def write_manifest(path: Path, seed: str, options: AuditOptions, result: AuditResult, digest: str) -> None:
    manifest = {
        "tool": "claimcheck",
        "tool_version": __version__,
        "rules_digest": digest,
        "seed_url": seed,
        "started_at": result.started_at,
        "finished_at": result.finished_at,
        "options": dict(options.__dict__),
        "pages_fetched": result.pages_fetched,
        "pages_checked": result.pages_checked,
        "pages_flagged": result.flagged,
        "interrupted": result.interrupted,
        "skipped": result.skipped,
        "truncated": result.truncated,
        "blocked_by_robots": result.blocked_by_robots,
        "rendered": result.rendered,
        "screenshots": result.screenshots,
        "files": {
            "warc": WARC_NAME,
            "store": STORE_NAME,
            "report": REPORT_NAME,
            **({"screenshots": SCREENSHOTS_DIR} if result.screenshots else {}),
        },
    }
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
