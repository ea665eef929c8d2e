"""The HTML batch report: totals, rankings, highlights, filters, streaming, and why each finding was made."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator

import pytest

from claimcheck.findings import Finding, Report
from claimcheck.render.html import CSS, SCRIPT, write_html_report
from claimcheck.rules import CATEGORIES

from .html_inspect import (
    HOSTILE,
    SCRIPT_TAG,
    assert_well_formed,
    finding,
    inspect,
    render,
    report,
)

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
