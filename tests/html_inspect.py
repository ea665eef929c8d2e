"""For the HTML report tests: hostile payloads, an inspector that sees every element and attribute, and
report builders."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

from claimcheck.findings import Finding, Report
from claimcheck.render.html import CSS, SCRIPT, write_html_report
from claimcheck.rules import CATEGORIES

FDA = "https://www.fda.gov/"
SCRIPT_TAG = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = '"><svg onload=alert(1)>'
JS_URL = "javascript:alert(1)"
END_STYLE = "</style>"
PAYLOADS = (SCRIPT_TAG, IMG, SVG, END_STYLE)
HOSTILE = SCRIPT_TAG + IMG + SVG + END_STYLE + "'\"&<>"

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "h1", "h2", "h3", "dl", "dt", "dd",
    "ul", "ol", "li", "b", "span", "nav", "a", "section", "svg", "text", "rect", "line", "code", "form",
    "fieldset", "legend", "label", "input", "div", "button", "table", "thead", "tbody", "tr", "th", "td",
    "br", "p", "blockquote", "mark", "details", "summary", "footer", "script",
}  # fmt: skip
ALLOWED_ATTRS = {
    "charset", "http-equiv", "content", "name", "lang", "class", "id", "href", "rel", "target", "data-cat",
    "data-cats", "type", "checked", "hidden", "viewbox", "width", "height", "role", "aria-label", "x", "y",
    "x1", "y1", "x2", "y2", "text-anchor",
}  # fmt: skip
FIXED_IDS = {"categories", "domains", "pages", "claims", "skipped", "filters", "filter-all", "filter-none"}
FIXED_IDS.add("filter-status")
VOID = {"meta", "input", "br", "rect", "line"}


class Inspector(HTMLParser):
    """Every element, attribute and text run of a document, plus the raw content of script and style."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []  # (tag, name, value)
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.unbalanced: list[str] = []
        self._raw: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((tag, name, value) for name, value in attrs)
        if tag in ("script", "style"):
            self._raw = tag
            (self.scripts if tag == "script" else self.styles).append("")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((tag, name, value) for name, value in attrs)

    def handle_endtag(self, tag: str) -> None:
        self._raw = None
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.unbalanced.append(tag)
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._raw == "script":
            self.scripts[-1] += data
        elif self._raw == "style":
            self.styles[-1] += data
        else:
            self.text.append(data)

    def values(self, name: str) -> list[str]:
        return [value or "" for _, attr, value in self.attrs if attr == name]


def finding(
    category: str = "risk_free",
    text: str = "no side effects",
    sentence: str = "Our cells have no side effects.",
    *,
    severity: str = "high",
    context: str = "asserted",
    cue: str | None = None,
    reference: str = FDA,
    message: str = "Absolute safety claims are a red flag.",
    rule: str | None = None,
) -> Finding:
    return Finding(
        rule=rule or f"{category}.en.test",
        category=category,
        severity=severity,
        start=0,
        end=len(text),
        text=text,
        context=context,
        message=message,
        cue=cue,
        sentence=sentence,
        reference=reference,
    )


def report(
    id: str, url: str | None = None, findings: list[Finding] | None = None, *, error: str | None = None, **kw
) -> Report:
    return Report(
        id=id,
        source=kw.pop("source", url or id),
        sha256="0" * 64,
        lang="en",
        url=url,
        findings=findings or [],
        error=error,
        **kw,
    )


def render(reports, **kw) -> str:
    out = io.StringIO()
    write_html_report(reports, out, generated_at="2025-01-01T00:00:00Z", **kw)
    return out.getvalue()


def inspect(page: str) -> Inspector:
    parser = Inspector()
    parser.feed(page)
    parser.close()
    return parser


def assert_well_formed(page: str) -> Inspector:
    """Our own structure: doctype, balanced elements, only known tags and attributes, one script, one style."""
    assert page.startswith("<!DOCTYPE html>\n")
    assert page.rstrip().endswith("</html>")
    parsed = inspect(page)
    assert parsed.unbalanced == [] and parsed.stack == []
    assert set(parsed.tags) <= ALLOWED_TAGS, set(parsed.tags) - ALLOWED_TAGS
    names = {name for _, name, _ in parsed.attrs}
    assert names <= ALLOWED_ATTRS, names - ALLOWED_ATTRS
    assert not [name for name in names if name.startswith("on")]
    assert parsed.scripts == [SCRIPT] and parsed.styles == [CSS]
    for href in parsed.values("href"):
        assert href.startswith(("#", "https://", "http://")), href
    for value in parsed.values("data-cat"):
        assert value in CATEGORIES
    for value in parsed.values("data-cats"):
        assert set(value.split()) <= set(CATEGORIES)
    for value in parsed.values("id"):
        assert value in FIXED_IDS or re.fullmatch(r"page-\d+", value), value
    for value in parsed.values("class"):
        assert re.fullmatch(r"[a-z0-9_ -]+", value), value
    return parsed


def hostile_reports() -> list[Report]:
    return [
        report(
            HOSTILE,
            url=JS_URL,
            source=HOSTILE,
            findings=[
                finding("risk_free", "no side effects", f"{HOSTILE} no side effects {HOSTILE}", cue=HOSTILE),
                finding("cure_all", IMG, f"We cure all. {IMG} {SVG}", reference=JS_URL, message=HOSTILE),
                finding("oral_product", "pills", f"Avoid {SCRIPT_TAG} pills", context="negated", cue=SVG),
                finding(HOSTILE, HOSTILE, HOSTILE, severity=HOSTILE, context="asserted", rule=HOSTILE),
                finding("risky_route", "intrathecal", "intrathecal", reference=f'https://x.example/{SVG}"'),
            ],
        ),
        report(
            "p2",
            url=f"https://clinic.example/{SVG}",
            findings=[finding(sentence=f"{END_STYLE} no side effects")],
        ),
        report("p3", url=" javascript:alert(1)", findings=[finding(reference="JAVASCRIPT:alert(1)")]),
        report("p4", url="data:text/html,<script>alert(1)</script>", findings=[finding()]),
        report(HOSTILE, url=f"https://{HOSTILE}", error=f"{HOSTILE}: unreadable ({IMG})"),
        report(SVG, source=END_STYLE, error=HOSTILE),
    ]
