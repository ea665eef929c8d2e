"""What the HTML views show of Reports: short, cleaned strings, collected in one streaming pass.

The report (render/html.py) and `claimcheck serve` (web/) render these with the same jinja2 partials. Every
string that comes from a page or a report is made printable and clipped here; escaping happens at output,
in the templates (autoescape). Reports are read once and only what a page shows is kept (clipped sentences
around each finding, never a document's text), so memory grows with the number of findings.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

from claimcheck.findings import Finding, Report
from claimcheck.rules import CATEGORIES, SEVERITIES
from claimcheck.textnorm import printable

CONTEXT_CHARS = 240  # kept on each side of a match when a sentence is long
MAX_SENTENCE = 600  # a sentence without the match is clipped to this
MAX_FIELD = 300  # matched text, cue, rule, evidence, ids, urls, sources, errors
MAX_MESSAGE = 1000
MAX_TERMS = 8  # a model finding's top terms shown
SKIPPED_LIST_LIMIT = 1000  # sources listed under "skipped"; the rest are only counted
DOMAIN_LIMIT = 500  # domains listed in the ranking; the rest are only counted
LOCAL = "(local files)"

_SPACES = re.compile(r"\s+")


def clean(value: object, limit: int = MAX_FIELD) -> str:
    """A scraped string made printable and short. Escaping happens later, at output."""
    text = printable(_SPACES.sub(" ", str(value)).strip())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def http_url(value: str | None) -> str | None:
    """The URL when it is http(s), else None: nothing else may become an href."""
    if value and value.lower().startswith(("https://", "http://")):
        return value
    return None


def local_href(value: str | None) -> str | None:
    """An http(s) URL, or a relative path inside the folder (no scheme, no root, no `..`); else None."""
    if not value or http_url(value):
        return http_url(value)
    if printable(value) != value or "\\" in value or value.startswith("/") or ":" in value.split("/")[0]:
        return None
    parts = value.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return quote(value, safe="/._-~")


def cat_id(category: str) -> str | None:
    """The category id when it is one of the nine known ones; only those reach data- and class attributes."""
    return category if category in CATEGORIES else None


def probability(value: object) -> float | None:
    """A probability in [0, 1], or None for anything else (NaN, out of range, not a number)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) and 0 <= value <= 1 else None


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


# ------------------------------------------------------------------------------------------ the model


@dataclass(frozen=True, slots=True)
class FindingView:
    """What the page shows of one finding."""

    category: str
    cat_id: str | None
    severity: str
    rule: str
    context: str
    cue: str | None
    before: str  # the sentence split around the match; located False: before is the sentence, match the text
    match: str
    after: str
    located: bool
    message: str
    reference: str
    evidence: str | None
    detector: str = "rule"
    confidence: float | None = None
    top_terms: tuple[str, ...] = ()
    pdf_page: int | None = None

    @property
    def sev_class(self) -> str:
        return f"sev-{self.severity}" if self.severity in SEVERITIES else ""


@dataclass(slots=True)
class PageView:
    id: str
    source: str
    url: str | None
    lang: str
    score: int
    max_severity: str | None
    categories: list[str]
    truncated: bool
    asserted: list[FindingView]
    mentions: list[FindingView]
    voice: str | None = None
    voice_probability: float | None = None
    screenshot: str | None = None  # a safe href (see local_href)
    rank: int = 0

    @property
    def verdict(self) -> str:
        return "flagged" if self.asserted else "clean"

    @property
    def label(self) -> str:
        return self.url or self.source or self.id

    @property
    def data_cats(self) -> str:
        return data_cats(self.categories)

    @property
    def mention_kinds(self) -> str:
        kinds = Counter(item.context for item in self.mentions)
        return ", ".join(f"{count} {kind}" for kind, count in kinds.most_common())


@dataclass
class DomainStats:
    pages: int = 0
    flagged: int = 0
    score: int = 0
    categories: Counter[str] = field(default_factory=Counter)


@dataclass
class BatchView:
    documents: int = 0
    flagged: int = 0
    clean: int = 0
    skipped: int = 0
    truncated: int = 0
    asserted: int = 0
    mentions: int = 0
    pages: list[PageView] = field(default_factory=list)  # pages with at least one finding
    domains: dict[str, DomainStats] = field(default_factory=dict)
    per_category: Counter[str] = field(default_factory=Counter)  # asserted findings; "other" for unknown ids
    skip_reasons: Counter[str] = field(default_factory=Counter)
    skipped_list: list[tuple[str, str]] = field(default_factory=list)  # (source, error), capped
    _strings: dict[str, str] = field(default_factory=dict)  # messages and references repeat per rule

    def intern(self, value: str) -> str:
        return self._strings.setdefault(value, value)


def data_cats(categories: Iterable[str]) -> str:
    return " ".join(cat for cat in categories if cat_id(cat))


def _locate(text: str, sentence: str) -> tuple[int, int] | None:
    if not text or not sentence:
        return None
    start = sentence.find(text)
    if start >= 0:
        return start, start + len(text)
    found = re.search(re.escape(text), sentence, re.IGNORECASE)
    return found.span() if found else None


def finding_view(finding: Finding, batch: BatchView) -> FindingView:
    text = clean(finding.text or "")
    sentence = clean(finding.sentence or "", limit=10**9)
    span = _locate(text, sentence)
    if span is None:
        before, match, after = clean(sentence, MAX_SENTENCE), text, ""
    else:
        start, end = span
        before, match, after = sentence[:start], sentence[start:end], sentence[end:]
        if len(before) > CONTEXT_CHARS:
            before = "…" + before[-CONTEXT_CHARS:].lstrip()
        if len(after) > CONTEXT_CHARS:
            after = after[:CONTEXT_CHARS].rstrip() + "…"
    category = clean(finding.category or "?", 80)
    page = finding.page
    return FindingView(
        category=batch.intern(category),
        cat_id=cat_id(category),
        severity=batch.intern(clean(finding.severity or "?", 20)),
        rule=batch.intern(clean(finding.rule or "", 120)),
        context=batch.intern(clean(finding.context or "?", 40)),
        cue=clean(finding.cue, 120) if finding.cue else None,
        before=before,
        match=match,
        after=after,
        located=span is not None,
        message=batch.intern(clean(finding.message or "", MAX_MESSAGE)),
        reference=batch.intern(clean(finding.reference or "")),
        evidence=clean(finding.evidence) if finding.evidence else None,
        detector=batch.intern(clean(finding.detector or "rule", 20)),
        confidence=probability(finding.confidence),
        top_terms=tuple(
            clean(term, 60) for term in (finding.top_terms or ())[:MAX_TERMS] if str(term).strip()
        ),
        pdf_page=page if isinstance(page, int) and not isinstance(page, bool) and page >= 1 else None,
    )


def page_view(report: Report, batch: BatchView, screenshot: str | None = None) -> PageView:
    """One checked (not skipped) report as the views show it."""
    asserted = [finding_view(f, batch) for f in report.findings if f.asserted]
    mentions = [finding_view(f, batch) for f in report.findings if not f.asserted]
    levels = [item.severity for item in asserted if item.severity in SEVERITIES]
    return PageView(
        id=clean(report.id or ""),
        source=clean(report.source or ""),
        url=clean(report.url) if report.url else None,
        lang=clean(report.lang or "", 20),
        score=sum(SEVERITIES.get(item.severity, 0) for item in asserted),
        max_severity=max(levels, key=SEVERITIES.__getitem__) if levels else None,
        categories=sorted({item.category for item in asserted}),
        truncated=bool(report.truncated),
        asserted=asserted,
        mentions=mentions,
        voice=clean(report.page_voice, 40) if report.page_voice else None,
        voice_probability=probability(report.page_voice_probability),
        screenshot=local_href(screenshot),
    )


def _screenshot(report: Report, screenshots: Mapping[str, str] | None) -> str | None:
    if not screenshots:
        return None
    for key in (report.url, report.source, report.id):
        if key and key in screenshots:
            return screenshots[key]
    return None


def collect(reports: Iterable[Report], screenshots: Mapping[str, str] | None = None) -> BatchView:
    batch = BatchView()
    for report in reports:  # one pass; nothing keeps a reference to the Report
        batch.documents += 1
        if report.error is not None:
            batch.skipped += 1
            batch.skip_reasons[clean(report.skip_reason or "unknown error")] += 1
            if len(batch.skipped_list) < SKIPPED_LIST_LIMIT:
                name = clean(report.url) if report.url else clean(report.source or "")
                batch.skipped_list.append((name or clean(report.id), clean(report.error)))
            continue
        batch.truncated += bool(report.truncated)
        page = page_view(report, batch, _screenshot(report, screenshots))
        domain = batch.domains.setdefault(clean(report.domain or LOCAL), DomainStats())
        domain.pages += 1
        domain.score += page.score
        batch.asserted += len(page.asserted)
        batch.mentions += len(page.mentions)
        if page.asserted:
            batch.flagged += 1
            domain.flagged += 1
            for item in page.asserted:
                domain.categories[item.cat_id or "other"] += 1
                batch.per_category[item.cat_id or "other"] += 1
        else:
            batch.clean += 1
        if page.asserted or page.mentions:
            batch.pages.append(page)
    batch.pages.sort(key=lambda page: (-page.score, page.verdict != "flagged", page.id, page.source))
    for rank, page in enumerate(batch.pages, start=1):
        page.rank = rank
    return batch


# -------------------------------------------------------------------------------- derived tables


@dataclass(frozen=True)
class ChartRow:
    category: str
    count: int
    y: int
    width: float


CHART_LABEL_W, CHART_BAR_W, CHART_ROW_H = 190, 560, 26


def chart_rows(batch: BatchView) -> list[ChartRow]:
    """Categories by asserted claims, most first (then in the contract's order); bars scaled to the peak."""
    order = {cat: i for i, cat in enumerate(CATEGORIES)}
    cats = sorted(CATEGORIES, key=lambda cat: (-batch.per_category[cat], order[cat]))
    if batch.per_category["other"]:
        cats.append("other")
    peak = max([batch.per_category[cat] for cat in cats] + [1])
    return [
        ChartRow(
            category=cat,
            count=batch.per_category[cat],
            y=4 + i * CHART_ROW_H,
            width=round(CHART_BAR_W * batch.per_category[cat] / peak, 1),
        )
        for i, cat in enumerate(cats)
    ]


def ranked_domains(batch: BatchView) -> list[tuple[str, DomainStats]]:
    return sorted(batch.domains.items(), key=lambda kv: (-kv[1].score, -kv[1].flagged, -kv[1].pages, kv[0]))
