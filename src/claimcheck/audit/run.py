"""One audit end to end: refuse a used folder, crawl, keep evidence, check, store pages, write the files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from claimcheck import __version__
from claimcheck.audit.crawl import Crawler
from claimcheck.audit.data import MANIFEST_NAME, REPORT_NAME, WARC_NAME, AuditOptions, AuditResult
from claimcheck.audit.evidence import Evidence
from claimcheck.audit.pages import PageChecker
from claimcheck.audit.report import write_manifest, write_report
from claimcheck.browser import Browser, require_browser
from claimcheck.checker import Checker
from claimcheck.errors import ClaimcheckError
from claimcheck.findings import Report
from claimcheck.store import STORE_NAME, Store, now_utc


def run_audit(
    seed: str,
    out: Path,
    options: AuditOptions,
    checker: Checker,
    *,
    lang: str | None = None,
    log: Callable[[str], None] = lambda message: None,
    on_page: Callable[[Report], None] = lambda report: None,
) -> AuditResult:
    """Crawl, keep evidence, check, store; write report.html and manifest.json. Returns the counts."""
    if not seed.lower().startswith(("http://", "https://")):
        raise ClaimcheckError(f"{seed}: an audit starts from an http(s) URL")
    needs = "--render" if options.render else "--screenshots" if options.screenshots else None
    executable = require_browser(needs) if needs else None  # before anything is fetched or written
    if any((out / name).exists() for name in (WARC_NAME, STORE_NAME, MANIFEST_NAME)):
        # Each audit is one dated snapshot; merging two crawls would hide what vanished in between.
        raise ClaimcheckError(
            f"{out}: already holds an audit; use a new folder and compare them with `claimcheck diff`"
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ClaimcheckError(f"{out}: cannot create the audit folder ({exc.strerror})") from None
    evidence = Evidence(out / WARC_NAME)
    crawler = Crawler(seed, options, evidence, log)
    result = crawler.result
    result.started_at = now_utc()
    # One browser for the whole audit, started at the first page that needs it, killed at the end.
    browser = None
    if executable:
        browser = Browser(
            executable, timeout=options.timeout, max_bytes=options.max_bytes, user_agent=options.user_agent
        )
    with Store(out / STORE_NAME) as store:
        store.start_run(tool_version=__version__, rules_digest=checker.ruleset.digest, inputs=[seed])
        pages = PageChecker(out, options, checker, evidence, store, result, browser, lang)
        try:
            for page, _depth in crawler.pages():
                report = pages.check(page, log)
                if report.verdict == "skipped":  # fetched, but binary, empty, undecodable or not rendered
                    result.skipped.append(
                        {"url": page.final_url, "reason": report.skip_reason or "unreadable"}
                    )
                else:
                    result.pages_checked += 1
                result.flagged += report.verdict == "flagged"
                if page.truncated:
                    result.truncated.append(page.url)
                on_page(report)
        except KeyboardInterrupt:
            result.interrupted = True  # keep what was fetched: the report and manifest still get written
        finally:
            if browser is not None:
                browser.close()
            result.finished_at = now_utc()
            store.finish_run(
                documents=result.pages_checked, skipped=len(result.skipped), interrupted=result.interrupted
            )
            crawler.close()
            evidence.close()
        write_report(out / REPORT_NAME, store, seed, result, checker.ruleset.digest)
    write_manifest(out / MANIFEST_NAME, seed, options, result, checker.ruleset.digest)
    return result
