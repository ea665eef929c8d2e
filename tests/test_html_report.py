"""The HTML batch report: content, streaming, and above all that hostile page content stays inert text."""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest

from claimcheck.findings import Finding, Report
from claimcheck.render.html import CSP, CSS, SCRIPT, write_html_report
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


# ------------------------------------------------------------------------------------------------ security


def test_hostile_strings_are_inert_text():
    page = render(hostile_reports(), title=HOSTILE, meta={HOSTILE: HOSTILE, "inputs": SVG})
    parsed = assert_well_formed(page)
    for payload in PAYLOADS:
        assert payload not in page.replace(f"<style>{CSS}</style>", ""), payload
    assert page.count("<script") == 1 and page.count("</script>") == 1
    assert page.count("<style") == 1 and page.count(END_STYLE) == 1
    # The payloads are still there for the reader, as visible text.
    visible = "".join(parsed.text)
    for payload in PAYLOADS:
        assert payload in visible
    # No tag that a payload would have created.
    assert "img" not in parsed.tags and parsed.tags.count("svg") == 1  # the chart is the only svg
    assert parsed.tags.count("script") == 1 and parsed.tags.count("style") == 1


def test_event_handlers_only_appear_inside_text():
    page = render(hostile_reports(), meta={"x": IMG})
    hits = list(re.finditer(r"on(error|load)\s*=", page, re.IGNORECASE))
    assert hits
    for handler in hits:
        before = page[: handler.start()]
        tag_start = before.rfind("<")
        in_text = before.rfind(">") > tag_start
        in_quoted_value = before[tag_start:].count('"') % 2 == 1  # quotes in values are escaped as &quot;
        assert in_text or in_quoted_value, page[handler.start() - 80 : handler.end()]


def test_only_http_urls_become_links():
    page = render(hostile_reports())
    parsed = assert_well_formed(page)
    hrefs = parsed.values("href")
    assert not [h for h in hrefs if "javascript" in h.lower() or h.lower().startswith("data:")]
    external = [h for h in hrefs if not h.startswith("#")]
    assert external and all(h.startswith(("https://", "http://")) for h in external)
    # An http(s) link with a payload keeps it inside the attribute, escaped.
    assert f"https://clinic.example/{SVG}" in external
    assert 'href="https://clinic.example/&quot;&gt;&lt;svg onload=alert(1)&gt;"' in page
    # External links never pass the opener or the referrer.
    links = re.findall(r'<a href="http[^"]*"[^>]*>', page)
    assert links and all('rel="noopener noreferrer"' in link for link in links)


def test_anchors_and_data_attributes_come_from_indexes_and_known_categories():
    page = render(hostile_reports())
    parsed = assert_well_formed(page)
    sections = [v for v in parsed.values("id") if v.startswith("page-")]
    assert sections == ["page-1", "page-2", "page-3", "page-4"]
    # The unknown (hostile) category is shown as text but gets no data- attribute or colour class.
    assert "cat-other" in page
    assert all(v in CATEGORIES for v in parsed.values("data-cat"))


def test_lxml_sees_no_injected_elements():
    lxml_html = pytest.importorskip("lxml.html")
    tree = lxml_html.document_fromstring(render(hostile_reports(), meta={"v": HOSTILE}))
    assert len(tree.xpath("//script")) == 1
    assert len(tree.xpath("//style")) == 1
    assert tree.xpath("//img") == [] and tree.xpath("//iframe") == [] and tree.xpath("//object") == []
    assert len(tree.xpath("//svg")) == 1  # the chart
    assert tree.xpath("//@*[starts-with(name(), 'on')]") == []
    assert tree.xpath("//@href[contains(translate(., 'JAVSCRIPT', 'javscript'), 'javascript')]") == []


def test_csp_allows_exactly_our_script_and_style():
    def digest(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    page = render([])
    assert f"script-src 'sha256-{digest(SCRIPT)}'" in CSP
    assert f"style-src 'sha256-{digest(CSS)}'" in CSP
    assert "default-src 'none'" in CSP
    assert '<meta http-equiv="Content-Security-Policy"' in page
    assert page.index("Content-Security-Policy") < page.index("<style>")


def test_control_characters_and_surrogates_are_neutralised():
    nasty = "a\x00b\x1bc\u202egnp.exe\ud800"
    page = render(
        [report(nasty, url="https://e.example/", findings=[finding(sentence=nasty + " no side effects")])]
    )
    page.encode("utf-8")  # would raise on a lone surrogate
    assert "\x00" not in page and "\x1b" not in page and "\u202e" not in page
    assert_well_formed(page)


# ------------------------------------------------------------------------------------------------- content


def test_totals_in_header():
    reports = [
        report("a", "https://a.example/1", [finding()]),
        report("b", "https://a.example/2", [finding(context="negated", cue="not")]),
        report("c", "https://b.example/1"),
        report("d", "https://c.example/1", error="https://c.example/1: HTTP 404 Not Found"),
    ]
    page = render(reports, meta={"tool version": "claimcheck 9.9", "rules digest": "abc123"})
    assert_well_formed(page)
    totals = dict(re.findall(r'<li class="(\w+)"><b>(\d+)</b>', page))
    assert totals == {
        "documents": "4",
        "flagged": "1",
        "clean": "2",
        "skipped": "1",
        "claims": "1",
        "mentions": "1",
    }
    assert "claimcheck 9.9" in page and "abc123" in page and "2025-01-01T00:00:00Z" in page


def test_domain_ranking_sorted_by_total_score():
    reports = [
        report("l1", None, [finding(severity="low")], source="notes/a.txt"),
        report("b1", "https://www.b.example/x", [finding(severity="medium")]),
        report(
            "b2", "https://b.example/y", [finding(severity="medium"), finding("cure_all", severity="high")]
        ),
        report("a1", "https://a.example/x", [finding(severity="high")]),
        report("c1", "https://c.example/x"),
        report(
            "s1", None, [finding(severity="high"), finding(severity="high")], source="https://s.example/z"
        ),
    ]
    page = render(reports)
    assert_well_formed(page)
    table = page[
        page.index('<table class="domains">') : page.index("</table>", page.index('class="domains"'))
    ]
    rows = re.findall(r'<td class="page-cell">([^<]*)</td><td class="num">(\d+)</td>'
                      r'<td class="num">(\d+)</td><td class="num">(\d+)</td>', table)  # fmt: skip
    assert rows == [
        ("b.example", "2", "2", "7"),  # www. folded into the domain
        ("s.example", "1", "1", "6"),  # domain from a URL source
        ("a.example", "1", "1", "3"),
        ("(local files)", "1", "1", "1"),
        ("c.example", "1", "0", "0"),
    ]


def test_page_ranking_by_score_then_id():
    reports = [
        report("zeta", "https://z.example/", [finding(severity="high")]),
        report("alpha", "https://a.example/", [finding(severity="high")]),
        report("big", "https://big.example/", [finding(severity="high"), finding("cure_all")]),
        report("mention", "https://m.example/", [finding(context="hypothetical", cue="may")]),
    ]
    page = render(reports)
    ranking = page[page.index('<table class="ranking">') :]
    ranking = ranking[: ranking.index("</table>")]
    order = re.findall(r'<a href="https://([a-z]+)\.example/"', ranking)
    assert order == ["big", "a", "z", "m"]  # alpha before zeta at equal score
    assert ranking.count('class="verdict-flagged"') == 3 and ranking.count('class="verdict-clean"') == 1
    assert '<a href="#page-1">' in ranking


def test_highlights_in_sentences():
    reports = [
        report(
            "p",
            "https://p.example/",
            [
                finding("risk_free", "no side effects", "Our cells have no side effects."),
                finding("cure_all", "cure autism", "We CURE AUTISM fast."),
                finding("oral_product", "stem cell pills", "A sentence without the words."),
                finding("risky_route", "intrathecal", ""),
            ],
        )
    ]
    page = render(reports)
    assert_well_formed(page)
    assert 'Our cells have <mark class="cat-risk_free">no side effects</mark>.' in page
    assert 'We <mark class="cat-cure_all">CURE AUTISM</mark> fast.' in page  # case-insensitive fallback
    assert (
        'A sentence without the words. <span class="notfound">(matched: '
        '<mark class="cat-oral_product">stem cell pills</mark>)</span>'
    ) in page
    assert '<blockquote><mark class="cat-risky_route">intrathecal</mark></blockquote>' in page
    assert 'href="https://www.fda.gov/" rel="noopener noreferrer"' in page
    assert "mark.cat-risk_free{" in CSS  # each category has its colour


def test_finding_details_and_collapsed_mentions():
    reports = [
        report(
            "p",
            "https://p.example/",
            [
                finding(severity="high"),
                finding("oral_product", "pills", "Avoid stem cell pills.", context="cautionary", cue="Avoid"),
                finding("cure_all", "cures", "He said it cures.", context="attributed", cue="said"),
            ],
        )
    ]
    page = render(reports)
    section = page[page.index('id="page-1"') :]
    section = section[: section.index("</section>")]
    assert (
        '<span class="chip cat-risk_free">risk_free</span> <span class="sev sev-high">high</span>' in section
    )
    assert "context: <b>asserted</b>" in section and "Absolute safety claims are a red flag." in section
    details = section[section.index("<details>") :]
    assert "2 non-asserted mentions (1 cautionary, 1 attributed)" in details
    assert "(cue: “Avoid”)" in details and '<mark class="muted">pills</mark>' in details
    assert '<li class="mention" data-cat="oral_product">' in details
    assert 'class="page-info">score <b>3</b>' in section  # mentions add no score


def test_filters_present_and_page_readable_without_js():
    reports = [report("p", "https://p.example/", [finding(), finding("cure_all", "cure", "We cure it.")])]
    page = render(reports)
    parsed = assert_well_formed(page)
    boxes = [v for tag, name, v in parsed.attrs if tag == "input" and name == "data-cat"]
    assert boxes == list(CATEGORIES)
    # Hidden until the script runs, so without JS no dead controls are shown and nothing is hidden.
    assert '<form id="filters" class="filters" hidden>' in page
    assert "filtered-out" not in page.replace(SCRIPT, "").replace(CSS, "")
    assert (
        '<li class="finding" data-cat="risk_free">' in page
        and '<li class="finding" data-cat="cure_all">' in page
    )
    assert 'data-cats="cure_all risk_free"' in page
    assert 'document.getElementById("filters")' in SCRIPT


def test_chart_counts_per_category():
    reports = [
        report("a", "https://a.example/", [finding(), finding(), finding("cure_all", "cure", "cure")]),
        report("b", "https://b.example/", [finding("cure_all", "cure", "cure", context="negated")]),
    ]
    page = render(reports)
    chart = page[page.index('<svg class="chart"') : page.index("</svg>")]
    labels = re.findall(r'<text x="\d+" y="\d+" text-anchor="end">(\w+)</text>', chart)
    counts = re.findall(r'<text x="[\d.]+" y="\d+">(\d+)</text>', chart)
    assert labels[:2] == ["risk_free", "cure_all"] and set(labels) == set(CATEGORIES)
    assert counts[:3] == ["2", "1", "0"]
    assert chart.count("<rect") == 2
    for cat in CATEGORIES:
        assert f'<span class="swatch cat-{cat}"></span><code>{cat}</code>' in page  # legend


def test_empty_input_is_a_valid_page():
    page = render([])
    assert_well_formed(page)
    totals = dict(re.findall(r'<li class="(\w+)"><b>(\d+)</b>', page))
    assert set(totals.values()) == {"0"}
    assert "No documents were checked." in page and "No document was skipped." in page
    assert "No page asserts a red-flag claim." in page


def test_default_generated_at_and_title():
    out = io.StringIO()
    write_html_report(iter([]), out)
    page = out.getvalue()
    assert "<title>claimcheck report</title>" in page
    assert re.search(r"<dt>generated</dt><dd>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00</dd>", page)


def test_skipped_only_input():
    reports = [
        report("u1", "https://x.example/a", error="https://x.example/a: HTTP 404 Not Found"),
        report("u2", "https://x.example/b", error="https://x.example/b: HTTP 404 Not Found"),
        report("j", source="in.jsonl", error="line 3: invalid JSON (Expecting value)"),
        report("k", source="in.jsonl", error="line 9: invalid JSON (Unterminated string)"),
        report("bin", source="blob.bin", error="binary data, not text or HTML"),
    ]
    page = render(reports)
    assert_well_formed(page)
    totals = dict(re.findall(r'<li class="(\w+)"><b>(\d+)</b>', page))
    assert totals["documents"] == "5" and totals["skipped"] == "5" and totals["flagged"] == "0"
    reasons = re.findall(r'<tr><td class="page-cell">([^<]*)</td><td class="num">(\d+)</td></tr>', page)
    assert reasons == [
        ("HTTP 404 Not Found", "2"),
        ("invalid JSON", "2"),
        ("binary data, not text or HTML", "1"),
    ]
    assert "<summary>5 skipped sources</summary>" in page
    assert "line 9: invalid JSON (Unterminated string)" in page
    assert "No documents were checked." in page  # no domains: skipped pages are not ranked


def test_streams_one_pass_and_keeps_no_texts():
    consumed: list[str] = []
    big = "x" * 1_000_000

    def generate() -> Iterator[Report]:
        for number in range(200):
            consumed.append(str(number))
            findings = [finding()] if number % 2 else []
            yield report(f"doc{number:03}", f"https://s{number % 7}.example/{number}", findings, text=big)

    class Once:
        iterations = 0

        def __iter__(self) -> Iterator[Report]:
            Once.iterations += 1
            return generate()

    page = render(Once())
    assert Once.iterations == 1 and len(consumed) == 200
    assert big[:1000] not in page and len(page) < 600_000
    totals = dict(re.findall(r'<li class="(\w+)"><b>(\d+)</b>', page))
    assert totals["documents"] == "200" and totals["flagged"] == "100" and totals["clean"] == "100"


def test_long_sentences_are_clipped_around_the_match():
    sentence = "a" * 50_000 + " no side effects " + "b" * 50_000
    page = render([report("p", "https://p.example/", [finding(sentence=sentence)])])
    assert '<mark class="cat-risk_free">no side effects</mark>' in page
    assert len(page) < 40_000 and "…" in page


def test_unknown_category_and_severity_do_not_crash():
    odd = finding("not_a_category", "x", "x marks", severity="extreme", context="speculative")
    page = render([report("p", "https://p.example/", [odd, finding(context="weird")])])
    parsed = assert_well_formed(page)
    assert "not_a_category" in "".join(parsed.text)
    assert "not_a_category" not in " ".join(parsed.values("class") + parsed.values("data-cat"))


# ------------------------------------------------------------------- why, confidence, pages, screenshots


def test_model_findings_show_their_top_terms_and_confidence():
    model = Finding(
        rule="model.en",
        category="cure_all",
        severity="high",
        start=0,
        end=5,
        text="heals",
        context="asserted",
        message="The classifier reads this as a cure claim.",
        sentence="Our therapy heals every patient.",
        detector="model",
        confidence=0.87,
        top_terms=("heals", "every patient", SCRIPT_TAG),
        page=2,
    )
    ruled = Finding(**{**model.__dict__, "detector": "rule", "rule": "cure_all.en.x", "top_terms": ()})
    page = render([report("p", "https://p.example/", [model, ruled])])
    parsed = assert_well_formed(page)
    assert (
        '<span class="detector">model</span> (top terms: <span class="terms">“heals”, “every patient”' in page
    )
    assert SCRIPT_TAG not in page and SCRIPT_TAG in "".join(parsed.text)  # a term is text, escaped
    assert page.count("confidence <b>87%</b>") == 2
    assert page.count("PDF page <b>2</b>") == 2
    assert 'rule <span class="muted">cure_all.en.x</span>' in page


@pytest.mark.parametrize("confidence", [float("nan"), 1.5, -0.1, True])
def test_out_of_range_confidence_is_not_shown(confidence):
    odd = Finding(**{**finding().__dict__, "confidence": confidence, "page": 0})
    page = render([report("p", "https://p.example/", [odd])])
    assert_well_formed(page)
    assert "confidence" not in page and "PDF page" not in page


def test_page_voice_is_shown_when_known():
    reports = [
        report("a", "https://a.example/", [finding()], page_voice="marketing", page_voice_probability=0.912),
        report("b", "https://b.example/", [finding()], page_voice=HOSTILE, page_voice_probability=7.0),
        report("c", "https://c.example/", [finding()]),
    ]
    page = render(reports)
    assert_well_formed(page)
    assert "voice <b>marketing</b> (91%)" in page
    assert page.count("voice <b>") == 2 and SCRIPT_TAG not in page


def test_screenshots_link_only_safe_hrefs():
    names = {
        "https://a.example/": "shots/a page.png",
        "https://b.example/": "../outside.png",
        "https://c.example/": "javascript:alert(1)",
        "https://d.example/": "/etc/passwd",
        "https://e.example/": 'https://cdn.example/e.png"><svg onload=alert(1)>',
        "notes/f.txt": "shots/f.png",
        "https://g.example/": "shots//g.png",
    }
    reports = [report(c, f"https://{c}.example/", [finding()]) for c in "abcdeg"]
    reports.append(report("f", None, [finding()], source="notes/f.txt"))
    page = render(reports, screenshots=names)
    hrefs = inspect(page).values("href")
    shots = [html.unescape(h) for h in re.findall(r'<a class="shot" href="([^"]*)"', page)]
    assert sorted(shots) == [
        'https://cdn.example/e.png"><svg onload=alert(1)>',
        "shots/a%20page.png",
        "shots/f.png",
    ]
    assert page.count(">screenshot</a>") == 3
    assert "<svg onload" not in page
    assert not [h for h in hrefs if ".." in h or h.startswith(("/", "javascript"))]


# -------------------------------------------------------------------------------------------- the diff page


def diff_page(result) -> str:
    from claimcheck.render.diffhtml import write_diff_html

    out = io.StringIO()
    write_diff_html(result, out, old="audits/v1", new=HOSTILE)
    return out.getvalue()


def test_diff_page_keeps_hostile_claims_inert():
    from claimcheck.diff import Claim, DiffResult
    from claimcheck.render.diffhtml import CSP as DIFF_CSP
    from claimcheck.render.diffhtml import CSS as DIFF_CSS

    def claim(url: str, text: str, sentence: str, category: str = "risk_free") -> Claim:
        return Claim(url, HOSTILE, category, "high", "asserted", text, sentence)

    result = DiffResult(
        added=[
            claim("https://a.example/x", "no side effects", f"{HOSTILE} no side effects {IMG}"),
            claim(JS_URL, SCRIPT_TAG, f"Before {SCRIPT_TAG} after", HOSTILE),
        ],
        removed=[claim("https://a.example/x", "cure", "A sentence without it.", "cure_all")],
        unchanged=4,
        pages_added=[f"https://b.example/{SVG}"],
        pages_removed=[JS_URL],
    )
    page = diff_page(result)
    parsed = inspect(page)
    assert parsed.unbalanced == [] and parsed.stack == []
    for payload in PAYLOADS:
        assert payload not in page.replace(f"<style>{DIFF_CSS}</style>", ""), payload
        assert payload in "".join(parsed.text)
    assert parsed.styles == [DIFF_CSS] and parsed.scripts == []
    assert "img" not in parsed.tags and "svg" not in parsed.tags
    assert f"style-src {csp_source(DIFF_CSS)}" in DIFF_CSP and "default-src 'none'" in DIFF_CSP
    assert "<mark>no side effects</mark>" in page and "A sentence without it. <mark>cure</mark>" in page
    hrefs = parsed.values("href")
    assert hrefs and all(h.startswith("https://") for h in hrefs)
    assert page.count("added (1)") == 2 and "removed (1)" in page and "<b>4</b>unchanged" in page
    assert 'class="cat-other"' in page  # the hostile category gets no class of its own


def csp_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_entity_text_from_a_page_is_shown_as_written():
    """Quotes come out as html.escape writes them; a page's own entity text is escaped, not decoded."""
    sentence = "He wrote &#34;no side effects&#34; and &#39;cure&#39; &quot;here&quot; \"and\" 'there'."
    page = render([report("p", "https://p.example/", [finding(sentence=sentence)])])
    parsed = assert_well_formed(page)
    assert sentence in "".join(parsed.text)
    assert "&amp;#34;" in page and "&amp;#39;" in page and "&amp;quot;here" in page
    assert "&quot;and&quot; &#x27;there&#x27;" in page
