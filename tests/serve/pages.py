"""For the `claimcheck serve` tests: payloads, a parser of served pages, and the checks every page must pass."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

from claimcheck.web.app import CSP, CSS

CLAIMS = "Our stem cells cure Parkinson's disease. There are no side effects at all."
WARNING = "Avoid clinics that sell stem cell pills."
SCRIPT_TAG = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HOSTILE = f'{SCRIPT_TAG}{IMG}"><svg onload=alert(1)>'


class Page(HTMLParser):
    """Tags, attributes, visible text and raw script/style contents of a served page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(tag, name, value or "") for name, value in attrs]
        if tag in self.raw:
            self._in = tag
            self.raw[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.raw[self._in][-1] += data
        else:
            self.text.append(data)

    @property
    def visible(self) -> str:
        return "".join(self.text)

    def values(self, name: str) -> list[str]:
        return [value for _, attr, value in self.attrs if attr == name]


def page_of(response) -> Page:
    return Page(response.get_data(as_text=True))


def error_line(response) -> str:
    found = re.search(r'<p class="error" role="alert">(.*?)</p>', response.get_data(as_text=True), re.S)
    assert found, "no error line on the page"
    assert "\n" not in found.group(1)
    return re.sub(r"<[^>]+>", "", found.group(1))


def assert_safe_page(response) -> Page:
    """Every served page: strict CSP header, our stylesheet only, no script, nothing external."""
    assert response.headers["Content-Security-Policy"] == CSP
    assert "script-src" not in CSP and "default-src 'none'" in CSP and "frame-ancestors 'none'" in CSP
    digest = base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    page = page_of(response)
    assert page.raw["style"] == [CSS] and page.raw["script"] == []
    assert "script" not in page.tags and "img" not in page.tags and "iframe" not in page.tags
    assert not [name for _, name, _ in page.attrs if name.startswith("on")]
    for href in page.values("href"):
        assert href.startswith(("/", "#", "https://", "http://")), href
    assert not page.values("src")
    return page
