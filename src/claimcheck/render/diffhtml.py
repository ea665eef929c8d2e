"""The side-by-side HTML of `claimcheck diff`: per page, claims removed (left) and added (right).

Rendered from render/templates/diff.html (jinja2, autoescape) and streamed into the handle. Claims come
from scanned pages: every string is cleaned and escaped, only http(s) URLs become links, and a
Content-Security-Policy allows only the page's own stylesheet.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TextIO

from claimcheck.diff import Claim, DiffResult
from claimcheck.render.reportmodel import MAX_FIELD, clean
from claimcheck.render.templating import asset, category_css, csp_hash, environment, render_chunks, trusted

CSS = asset("diff.css") + category_css()
CSP = f"default-src 'none'; style-src {csp_hash(CSS)}; img-src 'none'; base-uri 'none'; form-action 'none'"
MAX_SENTENCE = 2000


@dataclass(frozen=True)
class ClaimView:
    category: str
    rule: str
    severity: str
    context: str
    before: str  # the sentence around the first occurrence of the matched text (else all of it before)
    match: str
    after: str


@dataclass
class _Sides:
    removed: list[ClaimView] = field(default_factory=list)
    added: list[ClaimView] = field(default_factory=list)


def claim_view(claim: Claim) -> ClaimView:
    sentence, text = clean(claim.sentence, MAX_SENTENCE), clean(claim.text)
    before, found, after = sentence.partition(text) if text else (sentence, "", "")
    if not found:
        before, after = (sentence + " ") if sentence else "", ""
    return ClaimView(
        category=clean(claim.category, 80),
        rule=clean(claim.rule, 120),
        severity=clean(claim.severity, 20),
        context=clean(claim.context, 40),
        before=before,
        match=text,
        after=after,
    )


def write_diff_html(result: DiffResult, handle: TextIO, *, old: str, new: str) -> None:
    by_url: dict[str, _Sides] = defaultdict(_Sides)
    for claim in result.removed:
        by_url[clean(claim.url)].removed.append(claim_view(claim))
    for claim in result.added:
        by_url[clean(claim.url)].added.append(claim_view(claim))
    context = {
        "csp": CSP,
        "css": trusted(CSS),
        "old": clean(old, MAX_FIELD),
        "new": clean(new, MAX_FIELD),
        "added": len(result.added),
        "removed": len(result.removed),
        "unchanged": result.unchanged,
        "pages_added": [clean(page) for page in result.pages_added],
        "pages_removed": [clean(page) for page in result.pages_removed],
        "by_url": sorted(by_url.items()),
    }
    for chunk in render_chunks(environment().get_template("diff.html"), context):
        handle.write(chunk)
