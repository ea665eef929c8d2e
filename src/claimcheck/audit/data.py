"""The audit's plain data: what it is asked to do, what it found, and the names of an audit folder's files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from claimcheck import __version__

WARC_NAME, REPORT_NAME, MANIFEST_NAME = "crawl.warc.gz", "report.html", "manifest.json"
SCREENSHOTS_DIR = "screenshots"


@dataclass
class AuditOptions:
    depth: int = 2
    max_pages: int = 200
    delay: float = 1.0
    timeout: float = 20.0
    max_bytes: int = 10 * 1024 * 1024
    include_subdomains: bool = False
    ignore_robots: bool = False
    contact: str | None = None
    use_sitemaps: bool = True
    render: bool = False  # check the DOM after scripts ran (headless Chromium)
    screenshots: bool = False  # a full-page PNG of every flagged page

    @property
    def user_agent(self) -> str:
        contact = f"; +{self.contact}" if self.contact else ""
        return f"claimcheck/{__version__} (clinic claim audit{contact})"


@dataclass
class AuditResult:
    pages_fetched: int = 0
    pages_checked: int = 0
    flagged: int = 0
    skipped: list[dict[str, str]] = field(default_factory=list)  # {"url", "reason"}: not checked
    truncated: list[str] = field(default_factory=list)  # checked up to the byte cap
    interrupted: bool = False
    blocked_by_robots: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)  # pages checked as the browser showed them
    screenshots: list[dict[str, Any]] = field(default_factory=list)  # {"url", "file", "sha256", ...}
    started_at: str = ""
    finished_at: str = ""
