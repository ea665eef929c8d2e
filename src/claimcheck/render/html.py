"""One self-contained HTML report for a batch: totals, a chart, rankings and every asserted claim.

The page is meant to be emailed and opened offline: inline CSS, a small inline script (category filters;
the page reads fully without it), no network, no fonts, no images. It is rendered from jinja2 templates
(render/templates/report.html and the shared _document.html partials) and streamed into the handle; the
Reports are read once and only what the page shows is kept (render/reportmodel.py).

Everything that comes from a scanned page or a report is hostile. Every such string is cleaned (control
and bidi-override characters replaced) and escaped by the templates' autoescape (``html.escape``, attribute
values included); links are emitted only for ``http://`` and ``https://`` URLs (screenshots also for plain
relative paths inside the audit folder); anchors and ``data-`` attributes are built from indexes and from
the fixed list of category ids, never from scraped text; nothing scraped goes inside ``<script>`` or
``<style>``. A Content-Security-Policy allows only our own script and stylesheet (by hash), as a second
line of defence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import TextIO

from claimcheck.findings import Report
from claimcheck.render.reportmodel import (
    CHART_LABEL_W,
    CHART_ROW_H,
    DOMAIN_LIMIT,
    BatchView,
    chart_rows,
    clean,
    collect,
    ranked_domains,
)
from claimcheck.render.templating import (
    CATEGORY_COLOURS,
    CATEGORY_LABELS,
    asset,
    category_css,
    csp_hash,
    environment,
    render_chunks,
    trusted,
)

__all__ = ["CATEGORY_COLOURS", "CATEGORY_LABELS", "CSP", "CSS", "SCRIPT", "write_html_report"]

CSS = asset("report.css") + category_css()
# The only script in the page. It reads category ids from data- attributes (set from the fixed list) and
# toggles a class; it never reads scraped text.
SCRIPT = asset("report.js")

CSP = (
    "default-src 'none'; "
    f"script-src {csp_hash(SCRIPT)}; "
    f"style-src {csp_hash(CSS)}; "
    "img-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
)

STREAM_BUFFER = 64  # template chunks joined per write: fewer calls, still no page-sized string


def _context(batch: BatchView, title: str, generated: str, meta: dict[str, str] | None) -> dict[str, object]:
    chart = chart_rows(batch)
    listed_clean = sum(1 for page in batch.pages if page.verdict == "clean")
    return {
        "batch": batch,
        "title": title,
        "generated": generated,
        "meta": [(clean(key, 80), clean(value, 2000)) for key, value in (meta or {}).items()],
        "chart": chart,
        "chart_height": CHART_ROW_H * len(chart) + 8,
        "label_w": CHART_LABEL_W,
        "row_h": CHART_ROW_H,
        "domains": ranked_domains(batch),
        "domain_limit": DOMAIN_LIMIT,
        "unlisted_clean": batch.clean - listed_clean,
        "flagged_pages": [page for page in batch.pages if page.asserted],
        "clean_pages": [page for page in batch.pages if not page.asserted],
        "skip_reasons": sorted(batch.skip_reasons.items(), key=lambda kv: (-kv[1], kv[0])),
        "csp": CSP,
        "css": trusted(CSS),
        "script": trusted(SCRIPT),
    }


def write_html_report(
    reports: Iterable[Report],
    handle: TextIO,
    *,
    title: str = "claimcheck report",
    generated_at: str | None = None,
    meta: dict[str, str] | None = None,
    screenshots: Mapping[str, str] | None = None,
) -> None:
    """Write one self-contained HTML page for a batch of Reports, reading the iterable once.

    `screenshots` maps a page's URL (or source) to the href of its PNG: a relative path inside the folder
    the report is written to (no `..`) or an http(s) URL; any other value is not linked.
    """
    batch = collect(reports, screenshots)
    title = clean(title, 200) or "claimcheck report"
    generated = clean(generated_at or datetime.now(timezone.utc).isoformat(timespec="seconds"), 80)
    template = environment().get_template("report.html")
    for chunk in render_chunks(template, _context(batch, title, generated, meta), STREAM_BUFFER):
        handle.write(chunk)
