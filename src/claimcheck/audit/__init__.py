"""Site audits: crawl one clinic's site politely, keep every byte fetched as WARC evidence, check every page.

An audit folder holds `crawl.warc.gz` (request and response records with WARC-Date and digests: what the
site said that day), `claimcheck.sqlite` (the reports, each with url, fetched_at, sha256 and WARC record id),
`report.html` and `manifest.json`. Kept libraries do the hard parts: httpx (HTTP), protego (robots.txt),
w3lib (URL canonicalisation), warcio (WARC), lxml (links and sitemaps).

With `render`, each HTML page is also loaded in headless Chromium from the very bytes fetched (its scripts,
styles and images come from the web) and the DOM after scripts ran is what gets checked; the WARC keeps the
server's response and adds that DOM as a `conversion` record referring to it. With `screenshots`, every
flagged page gets a full-page PNG under `screenshots/`, hashed in the manifest beside its WARC record id.
Links to PDFs are fetched and checked as `Document(kind="pdf")`.

Modules: data (options, result, file names), crawl, evidence (WARC), pages (check one page), report
(report.html, manifest.json), run (run_audit, the whole audit); the public names are re-exported here.
"""

from claimcheck.audit.crawl import (
    HTML_TYPES,
    MAX_REDIRECTS,
    UNTYPED,
    Crawler,
    Fetched,
    kind_of,
    normalise,
    resolve,
)
from claimcheck.audit.data import (
    MANIFEST_NAME,
    REPORT_NAME,
    SCREENSHOTS_DIR,
    WARC_NAME,
    AuditOptions,
    AuditResult,
)
from claimcheck.audit.evidence import Evidence
from claimcheck.audit.pages import SNIFF_BYTES, PageChecker, renderable
from claimcheck.audit.report import write_manifest, write_report
from claimcheck.audit.run import run_audit

__all__ = [
    "HTML_TYPES",
    "MANIFEST_NAME",
    "MAX_REDIRECTS",
    "REPORT_NAME",
    "SCREENSHOTS_DIR",
    "SNIFF_BYTES",
    "UNTYPED",
    "WARC_NAME",
    "AuditOptions",
    "AuditResult",
    "Crawler",
    "Evidence",
    "Fetched",
    "PageChecker",
    "kind_of",
    "normalise",
    "renderable",
    "resolve",
    "run_audit",
    "write_manifest",
    "write_report",
]
