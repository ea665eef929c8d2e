"""The HTML reports keep hostile page content inert text: no injected element, handler, link or style."""

from __future__ import annotations

import base64
import hashlib
import io
import re

import pytest

from claimcheck.render.html import CSP, CSS, SCRIPT
from claimcheck.rules import CATEGORIES

from .html_inspect import (
    END_STYLE,
    HOSTILE,
    IMG,
    JS_URL,
    PAYLOADS,
    SCRIPT_TAG,
    SVG,
    assert_well_formed,
    finding,
    hostile_reports,
    inspect,
    render,
    report,
)

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
