"""The crawl of one site: breadth-first, same site only, robots.txt and sitemaps, delay, timeout, byte cap.

Every hop (redirects and robots.txt included) is written to the WARC evidence before it is looked at.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx
from lxml import etree
from lxml import html as lxml_html
from protego import Protego
from w3lib.url import canonicalize_url

from claimcheck.audit.data import AuditOptions, AuditResult
from claimcheck.audit.evidence import Evidence
from claimcheck.errors import ClaimcheckError
from claimcheck.store import now_utc

HTML_TYPES = ("text/html", "application/xhtml+xml")
UNTYPED = ("", "application/octet-stream", "binary/octet-stream")  # servers that do not say what a .pdf is
MAX_REDIRECTS = 5


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


def normalise(url: str) -> str:
    """One spelling per page: canonical query order, no fragment, lower-case host."""
    return canonicalize_url(url, keep_fragments=False)


def resolve(base: str, link: str) -> str | None:
    """A link made absolute and canonical, or None when a hostile page wrote something that is no URL."""
    try:
        return normalise(urljoin(base, link))
    except ValueError:
        return None


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
