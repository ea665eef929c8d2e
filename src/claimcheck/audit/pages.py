"""One fetched page: rendered first with `render`, checked, screenshot when flagged, stored (WARC ids)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimcheck.audit.crawl import Fetched
from claimcheck.audit.data import SCREENSHOTS_DIR, AuditOptions, AuditResult
from claimcheck.audit.evidence import Evidence
from claimcheck.browser import Browser, Rendered, RenderError, Tab
from claimcheck.checker import Checker
from claimcheck.errors import InputError
from claimcheck.findings import Report
from claimcheck.sources.decode import decode
from claimcheck.sources.document import Document, charset_of
from claimcheck.store import Store

SNIFF_BYTES = 64 * 1024


def _document(page: Fetched, rendered: Rendered | None = None, error: str | None = None) -> Document:
    """What gets checked: the DOM when rendered, else the bytes as served (a PDF as a PDF)."""
    charset: str | None = "utf-8"
    if rendered is not None:
        raw, truncated = rendered.html, page.truncated or rendered.truncated
    else:
        raw, charset, truncated = page.body, charset_of(page.content_type), page.truncated
    return Document(
        id=page.final_url,
        source=page.final_url,
        raw=raw,
        url=page.final_url,
        kind=page.kind,
        charset=charset if page.kind == "html" else None,
        truncated=truncated,
        error=error,
    )


def renderable(page: Fetched) -> bool:
    """Worth a browser: text that decodes (binary or empty bodies are skipped as served, with that reason)."""
    try:
        return bool(decode(page.body[:SNIFF_BYTES], charset_of(page.content_type), cut=True).strip())
    except InputError:
        return False


@dataclass
class PageChecker:
    """Checks one fetched page (rendered first with `render`), screenshots it when flagged, stores it."""

    out: Path
    options: AuditOptions
    checker: Checker
    evidence: Evidence
    store: Store
    result: AuditResult
    browser: Browser | None
    lang: str | None

    def open(self, page: Fetched) -> contextlib.AbstractContextManager[Tab]:
        assert self.browser is not None
        content_type = page.content_type or "text/html"
        return self.browser.page(page.final_url, body=page.body, content_type=content_type)

    def check(self, page: Fetched, log: Callable[[str], None]) -> Report:
        extra: dict[str, Any] = {
            "fetched_at": page.fetched_at,
            "warc_record_id": page.record_id,
            "http_status": page.status,
            "redirected_from": page.redirects or None,
        }
        with contextlib.ExitStack() as stack:
            tab: Tab | None = None
            document = _document(page)
            if self.options.render and page.kind == "html" and renderable(page):
                try:
                    tab = stack.enter_context(self.open(page))
                    rendered = tab.dom()
                except RenderError as exc:
                    tab, document = None, _document(page, error=f"not rendered: {exc}")
                else:
                    page.rendered, document = rendered.html, _document(page, rendered)
                    extra["rendered"], extra["rendered_at"] = True, rendered.rendered_at
                    extra["render_record_id"] = self.evidence.conversion(
                        page.final_url, rendered, page.record_id
                    )
                    self.result.rendered.append(page.final_url)
            report = self.checker.check_document(document, lang=self.lang)
            report.truncated = extra["truncated"] = report.truncated or document.truncated
            if self.options.screenshots and report.verdict == "flagged" and page.kind == "html":
                extra.update(self.screenshot(page, tab, stack, log))
        self.store.add(report, extra=extra)
        return report

    def screenshot(
        self, page: Fetched, tab: Tab | None, stack: contextlib.ExitStack, log: Callable[[str], None]
    ) -> dict[str, Any]:
        taken = sum(1 for shot in self.result.screenshots if shot.get("file"))
        name = f"{SCREENSHOTS_DIR}/{taken + 1:04d}.png"
        entry: dict[str, Any] = {"url": page.final_url, "warc_record_id": page.record_id}
        self.result.screenshots.append(entry)
        try:
            shot = (tab or stack.enter_context(self.open(page))).screenshot(self.out / name)
        except RenderError as exc:
            log(f"warning: no screenshot of {page.final_url}: {exc}")
            entry.update(file=None, error=str(exc))
            return {"screenshot_error": str(exc)}
        entry.update(file=name, sha256=shot.sha256, taken_at=shot.taken_at, cut=shot.cut)
        return {"screenshot": name, "screenshot_sha256": shot.sha256, "screenshot_taken_at": shot.taken_at}
