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
"""

from __future__ import annotations

import contextlib
import inspect
import io
import json
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from lxml import etree
from lxml import html as lxml_html
from protego import Protego
from w3lib.url import canonicalize_url
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from claimcheck import __version__
from claimcheck.browser import Browser, Rendered, RenderError, Tab, require_browser
from claimcheck.checker import Checker
from claimcheck.errors import ClaimcheckError, InputError
from claimcheck.findings import Report
from claimcheck.sources.decode import decode
from claimcheck.sources.document import Document, charset_of
from claimcheck.store import STORE_NAME, Store, now_utc

WARC_NAME, REPORT_NAME, MANIFEST_NAME = "crawl.warc.gz", "report.html", "manifest.json"
SCREENSHOTS_DIR = "screenshots"
HTML_TYPES = ("text/html", "application/xhtml+xml")
SNIFF_BYTES = 64 * 1024
UNTYPED = ("", "application/octet-stream", "binary/octet-stream")  # servers that do not say what a .pdf is
MAX_REDIRECTS = 5


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
class Fetched:
    url: str  # the URL asked for
    final_url: str
    status: int
    content_type: str
    body: bytes
    truncated: bool
    fetched_at: str
    record_id: str | None
    redirects: list[str] = field(default_factory=list)
    kind: str = "html"  # "html" or "pdf"
    rendered: bytes | None = None  # the DOM after scripts ran, when rendered: its links are followed too


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


def normalise(url: str) -> str:
    """One spelling per page: canonical query order, no fragment, lower-case host."""
    return canonicalize_url(url, keep_fragments=False)


def resolve(base: str, link: str) -> str | None:
    """A link made absolute and canonical, or None when a hostile page wrote something that is no URL."""
    try:
        return normalise(urljoin(base, link))
    except ValueError:
        return None


class Evidence:
    """The WARC file: every request and response exactly as exchanged."""

    def __init__(self, path: Path) -> None:
        self.handle = path.open("ab")
        self.writer = WARCWriter(self.handle, gzip=True)

    def close(self) -> None:
        self.handle.close()

    def record(
        self, response: httpx.Response, body: bytes, fetched_at: str, *, truncated: bool = False
    ) -> str:
        request = response.request
        request_headers = StatusAndHeaders(
            f"{request.method} {request.url.raw_path.decode('ascii', 'replace')} HTTP/1.1",
            [(k, v) for k, v in request.headers.items()],
            is_http_request=True,
        )
        request_record = self.writer.create_warc_record(
            str(request.url),
            "request",
            http_headers=request_headers,
            warc_headers_dict={"WARC-Date": fetched_at},
        )
        status_line = f"{response.status_code} {response.reason_phrase or ''}".strip()
        # The body is stored decoded (httpx undoes gzip/br); drop headers that no longer describe it.
        response_headers = StatusAndHeaders(
            status_line,
            [
                (k, v)
                for k, v in response.headers.items()
                if k.lower() not in ("content-encoding", "transfer-encoding", "content-length")
            ],
            protocol="HTTP/1.1",
        )
        response_record = self.writer.create_warc_record(
            str(response.url),
            "response",
            payload=io.BytesIO(body),
            http_headers=response_headers,
            # A body cut at --max-bytes must not pass for the complete response.
            warc_headers_dict={
                "WARC-Date": fetched_at,
                **({"WARC-Truncated": "length"} if truncated else {}),
            },
        )
        record_id = response_record.rec_headers.get_header("WARC-Record-ID")
        request_record.rec_headers.add_header("WARC-Concurrent-To", record_id)
        self.writer.write_record(request_record)
        self.writer.write_record(response_record)
        self.handle.flush()
        return str(record_id)

    def conversion(self, url: str, rendered: Rendered, refers_to: str | None) -> str:
        """The rendered DOM as a `conversion` record of the response it came from: what was checked."""
        headers = {"WARC-Date": rendered.rendered_at, **({"WARC-Refers-To": refers_to} if refers_to else {})}
        if rendered.truncated:
            headers["WARC-Truncated"] = "length"
        record = self.writer.create_warc_record(
            url,
            "conversion",
            payload=io.BytesIO(rendered.html),
            length=len(rendered.html),
            warc_content_type="text/html; charset=utf-8",
            warc_headers_dict=headers,
        )
        self.writer.write_record(record)
        self.handle.flush()
        return str(record.rec_headers.get_header("WARC-Record-ID"))


class Crawler:
    """Breadth-first within one site, honouring robots.txt, with a delay, a timeout and a byte cap."""

    def __init__(
        self, seed: str, options: AuditOptions, evidence: Evidence, log: Callable[[str], None]
    ) -> None:
        self.seed, self.options, self.evidence, self.log = normalise(seed), options, evidence, log
        self.host = (urlsplit(self.seed).hostname or "").lower()
        self.client = httpx.Client(
            headers={"User-Agent": options.user_agent},
            timeout=httpx.Timeout(options.timeout),
            follow_redirects=False,
        )
        self.robots: Protego | None = None
        self._last_request = 0.0
        self.result = AuditResult()

    def close(self) -> None:
        self.client.close()

    def same_site(self, url: str) -> bool:
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
        except ValueError:
            return False
        if parts.scheme not in ("http", "https"):
            return False
        if host == self.host:
            return True
        return self.options.include_subdomains and host.endswith("." + self.host.removeprefix("www."))

    def allowed(self, url: str) -> bool:
        return (
            self.options.ignore_robots
            or self.robots is None
            or self.robots.can_fetch(url, self.options.user_agent)
        )

    def _wait(self) -> None:
        pause = self.options.delay - (time.monotonic() - self._last_request)
        if pause > 0:
            time.sleep(pause)
        self._last_request = time.monotonic()

    def fetch(self, url: str, *, adopt_host: bool = False) -> Fetched:
        """GET with redirects followed inside the site; each hop is WARC evidence. Raises httpx errors."""
        redirects: list[str] = []
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            self._wait()
            fetched_at = now_utc()
            started = time.monotonic()
            with self.client.stream("GET", current) as response:
                body = bytearray()
                truncated = False
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > self.options.max_bytes:
                        del body[self.options.max_bytes :]
                        truncated = True
                        break
                    if time.monotonic() - started > self.options.timeout:
                        raise httpx.ReadTimeout(f"page did not finish within {self.options.timeout:g} s")
                record_id = self.evidence.record(response, bytes(body), fetched_at, truncated=truncated)
                if response.is_redirect and response.headers.get("location"):
                    target = resolve(current, response.headers["location"])
                    redirects.append(current)
                    if target is None:
                        raise httpx.TooManyRedirects("redirects to something that is not a URL")
                    if adopt_host and urlsplit(target).hostname:
                        self.host = (urlsplit(target).hostname or "").lower()  # apex -> www and the like
                    if not self.same_site(target):
                        raise httpx.TooManyRedirects(f"redirects off the site to {target}")
                    if not self.allowed(target):
                        raise httpx.TooManyRedirects(f"redirects to {target}, which robots.txt disallows")
                    current = target
                    continue
                return Fetched(
                    url,
                    current,
                    response.status_code,
                    response.headers.get("content-type", ""),
                    bytes(body),
                    truncated,
                    fetched_at,
                    record_id,
                    redirects,
                )
        raise httpx.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects")

    def load_robots(self) -> list[str]:
        """Fetch robots.txt (as evidence too) and return its Sitemap URLs."""
        if self.options.ignore_robots:
            self.log("warning: --ignore-robots: robots.txt is not honoured")
        robots_url = urljoin(self.seed, "/robots.txt")
        try:
            got = self.fetch(robots_url)
        except httpx.HTTPError:
            return []
        if got.status >= 500 and not self.options.ignore_robots:
            # RFC 9309: an unreachable robots.txt means the whole site is disallowed.
            self.robots = Protego.parse("User-agent: *\nDisallow: /\n")
            return []
        if got.status >= 400:
            return []
        parsed = Protego.parse(got.body.decode("utf-8", "replace"))
        if not self.options.ignore_robots:
            self.robots = parsed
            delay = parsed.crawl_delay(self.options.user_agent)
            if delay:
                self.options.delay = max(self.options.delay, float(delay))
        return [str(s) for s in parsed.sitemaps]

    def sitemap_urls(self, sitemaps: list[str]) -> list[str]:
        """<loc> entries of sitemap.xml (and of one level of sitemap indexes), same site only."""
        found: list[str] = []
        queue = list(dict.fromkeys(sitemaps or [urljoin(self.seed, "/sitemap.xml")]))
        seen: set[str] = set()
        while queue and len(seen) < 10:
            url = queue.pop(0)
            if url in seen or not self.same_site(url):
                continue
            seen.add(url)
            try:
                got = self.fetch(url)
                root = etree.fromstring(
                    got.body, parser=etree.XMLParser(resolve_entities=False, no_network=True)
                )
            except (httpx.HTTPError, etree.XMLSyntaxError, ValueError):
                continue
            if got.status >= 400:
                continue
            for loc in root.iter("{*}loc"):
                text = resolve(url, (loc.text or "").strip())
                if text is None:
                    continue
                if root.tag.endswith("sitemapindex"):
                    queue.append(text)
                elif self.same_site(text):
                    found.append(text)
        return found

    def pages(self) -> Iterator[tuple[Fetched, int]]:
        """Breadth-first: (fetched page, depth) for every HTML page reached; faults are recorded, not raised."""
        sitemaps = self.load_robots()
        queue: deque[tuple[str, int]] = deque([(self.seed, 0)])
        queued = {self.seed}
        first = True
        while queue and self.result.pages_fetched < self.options.max_pages:
            url, depth = queue.popleft()
            if not self.allowed(url):
                self.result.blocked_by_robots.append(url)
                if first:
                    raise ClaimcheckError(
                        f"{url}: robots.txt disallows this URL (use --ignore-robots to override)"
                    )
                continue
            try:
                host = self.host
                got = self.fetch(url, adopt_host=first)
            except httpx.HTTPError as exc:
                reason = str(exc) or type(exc).__name__
                if first:
                    raise ClaimcheckError(f"{url}: could not fetch the seed URL ({reason})") from None
                self.result.skipped.append({"url": url, "reason": reason})
                continue
            if first and got.status >= 400:
                raise ClaimcheckError(f"{url}: the seed URL answered HTTP {got.status}")
            if first:
                if (
                    self.host != host
                ):  # the seed moved (apex -> www): that host's robots.txt rules from now on
                    self.seed = got.final_url
                    sitemaps = self.load_robots()
                    if not self.allowed(got.final_url):
                        raise ClaimcheckError(f"{got.final_url}: robots.txt disallows this URL")
                if self.options.use_sitemaps and self.options.depth >= 1:
                    for extra in self.sitemap_urls(sitemaps):
                        if extra not in queued:
                            queued.add(extra)
                            queue.append((extra, 1))
            first = False
            self.result.pages_fetched += 1
            if got.status >= 400:
                self.result.skipped.append({"url": url, "reason": f"HTTP {got.status}"})
                continue
            kind = kind_of(got)
            if kind is None:
                self.result.skipped.append(
                    {"url": url, "reason": f"not HTML ({got.content_type.split(';')[0]})"}
                )
                continue
            got.kind = kind
            yield got, depth
            if depth < self.options.depth and kind == "html":
                for link in self.links(got):
                    if link not in queued:
                        queued.add(link)
                        queue.append((link, depth + 1))

    def links(self, page: Fetched) -> list[str]:
        """Same-site <a href> links of the page as served and, when rendered, as scripts left it."""
        out: list[str] = []
        for html in (page.body, page.rendered):
            if not html:
                continue
            try:
                tree = lxml_html.fromstring(html, base_url=page.final_url)
            except (etree.ParserError, ValueError):
                continue
            for element, attribute, link, _ in tree.iterlinks():
                if element.tag != "a" or attribute != "href":
                    continue
                url = resolve(page.final_url, link)
                if url is not None and self.same_site(url):
                    out.append(url)
        return list(dict.fromkeys(out))


def kind_of(page: Fetched) -> str | None:
    """ "html", "pdf", or None for a page the audit does not check (images, scripts, archives...)."""
    content_type = page.content_type.split(";")[0].strip().lower()
    if content_type == "application/pdf" or (
        content_type in UNTYPED and urlsplit(page.final_url).path.lower().endswith(".pdf")
    ):
        return "pdf"
    if not content_type or content_type in HTML_TYPES:
        return "html"
    return None


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
