"""One self-contained HTML report for a batch: totals, a chart, rankings and every asserted claim.

The page is meant to be emailed and opened offline: inline CSS, a small inline script (category filters;
the page reads fully without it), no network, no fonts, no images. It streams: Reports are read once and
only what the page shows is kept (clipped sentences around each finding, never a document's text), so
memory grows with the number of findings, not with document sizes.

Everything that comes from a scanned page or a report is hostile. Every such string is cleaned (control
and bidi-override characters replaced) and escaped with ``html.escape(..., quote=True)``, attribute values
included; links are emitted only for ``http://`` and ``https://`` URLs; anchors and ``data-`` attributes
are built from indexes and from the fixed list of category ids, never from scraped text; nothing scraped
goes inside ``<script>`` or ``<style>``. A Content-Security-Policy allows only this module's own script and
stylesheet (by hash), as a second line of defence.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TextIO

from claimcheck.findings import Finding, Report
from claimcheck.rules import CATEGORIES, SEVERITIES
from claimcheck.textnorm import printable

__all__ = ["CATEGORY_COLOURS", "write_html_report"]

# Category colours: (strong colour for chips and bars, text on it, light tint for highlights).
# Same hues as the terminal renderer's CATEGORY_STYLES, toned down for paper.
CATEGORY_COLOURS: dict[str, tuple[str, str, str]] = {
    "cure_all": ("#c62828", "#ffffff", "#fcdede"),
    "oral_product": ("#f0c000", "#1a1a1a", "#fff3b0"),
    "unverified_product": ("#8e24aa", "#ffffff", "#f1dcf6"),
    "overseas_iv": ("#1565c0", "#ffffff", "#d9e7fa"),
    "risk_free": ("#2e7d32", "#ffffff", "#d9eed9"),
    "testimonial_evidence": ("#00838f", "#ffffff", "#d2f0f3"),
    "regulatory_misrep": ("#e65100", "#ffffff", "#ffe2cc"),
    "risky_route": ("#6d1b1b", "#ffffff", "#efd9d9"),
    "pressure_pricing": ("#6b6b6b", "#ffffff", "#e9e9e9"),
}
OTHER_COLOURS = ("#bdbdbd", "#1a1a1a", "#eeeeee")  # a category id this version does not know

CATEGORY_LABELS: dict[str, str] = {
    "cure_all": "cures, reverses or heals disease; many conditions; miracle or guaranteed results",
    "oral_product": "stem cells or “activators” sold as pills, drinks, creams or supplements",
    "unverified_product": "exosomes, “live cells”, proprietary products; FDA-registered lab as proof",
    "overseas_iv": "IV infusions or stem-cell treatment abroad pitched to travelling patients",
    "risk_free": "no side effects, 100% safe, no risk, no rejection",
    "testimonial_evidence": "patient stories, celebrities or before/after as proof",
    "regulatory_misrep": "false or misleading approval status; patient-funded “trials”",
    "risky_route": "spinal, eye, brain or intra-arterial injections marketed as routine",
    "pressure_pricing": "urgency, discounts, deposits, financing, limited slots",
}

CONTEXT_CHARS = 240  # kept on each side of a match when a sentence is long
MAX_SENTENCE = 600  # a sentence without the match is clipped to this
MAX_FIELD = 300  # matched text, cue, rule, evidence, ids, urls, sources, errors
MAX_MESSAGE = 1000
SKIPPED_LIST_LIMIT = 1000  # sources listed under "skipped"; the rest are only counted
DOMAIN_LIMIT = 500  # domains listed in the ranking; the rest are only counted
LOCAL = "(local files)"

_SPACES = re.compile(r"\s+")


def _clean(value: object, limit: int = MAX_FIELD) -> str:
    """A scraped string made printable and short. Escaping happens later, at output."""
    text = printable(_SPACES.sub(" ", str(value)).strip())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _http_url(value: str | None) -> str | None:
    """The URL when it is http(s), else None: nothing else may become an href."""
    if value and value.lower().startswith(("https://", "http://")):
        return value
    return None


def _cat_id(category: str) -> str | None:
    """The category id when it is one of the nine known ones; only those reach data- and class attributes."""
    return category if category in CATEGORIES else None


# --------------------------------------------------------------------------------------------- the model


@dataclass(frozen=True, slots=True)
class _Item:
    """What the page shows of one finding: short, cleaned strings only."""

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


@dataclass(slots=True)
class _Page:
    id: str
    source: str
    url: str | None
    lang: str
    score: int
    max_severity: str | None
    categories: list[str]
    truncated: bool
    asserted: list[_Item]
    mentions: list[_Item]
    rank: int = 0

    @property
    def verdict(self) -> str:
        return "flagged" if self.asserted else "clean"

    @property
    def label(self) -> str:
        return self.url or self.source or self.id


@dataclass
class _DomainStats:
    pages: int = 0
    flagged: int = 0
    score: int = 0
    categories: Counter[str] = field(default_factory=Counter)


@dataclass
class _Batch:
    documents: int = 0
    flagged: int = 0
    clean: int = 0
    skipped: int = 0
    truncated: int = 0
    asserted: int = 0
    mentions: int = 0
    pages: list[_Page] = field(default_factory=list)  # pages with at least one finding
    domains: dict[str, _DomainStats] = field(default_factory=dict)
    per_category: Counter[str] = field(default_factory=Counter)  # asserted findings; "other" for unknown ids
    skip_reasons: Counter[str] = field(default_factory=Counter)
    skipped_list: list[tuple[str, str]] = field(default_factory=list)  # (source, error), capped
    _strings: dict[str, str] = field(default_factory=dict)  # messages and references repeat per rule

    def intern(self, value: str) -> str:
        return self._strings.setdefault(value, value)


def _locate(text: str, sentence: str) -> tuple[int, int] | None:
    if not text or not sentence:
        return None
    start = sentence.find(text)
    if start >= 0:
        return start, start + len(text)
    found = re.search(re.escape(text), sentence, re.IGNORECASE)
    return found.span() if found else None


def _item(finding: Finding, batch: _Batch) -> _Item:
    text = _clean(finding.text or "")
    sentence = _clean(finding.sentence or "", limit=10**9)
    span = _locate(text, sentence)
    if span is None:
        before, match, after = _clean(sentence, MAX_SENTENCE), text, ""
    else:
        start, end = span
        before, match, after = sentence[:start], sentence[start:end], sentence[end:]
        if len(before) > CONTEXT_CHARS:
            before = "…" + before[-CONTEXT_CHARS:].lstrip()
        if len(after) > CONTEXT_CHARS:
            after = after[:CONTEXT_CHARS].rstrip() + "…"
    category = _clean(finding.category or "?", 80)
    return _Item(
        category=batch.intern(category),
        cat_id=_cat_id(category),
        severity=batch.intern(_clean(finding.severity or "?", 20)),
        rule=batch.intern(_clean(finding.rule or "", 120)),
        context=batch.intern(_clean(finding.context or "?", 40)),
        cue=_clean(finding.cue, 120) if finding.cue else None,
        before=before,
        match=match,
        after=after,
        located=span is not None,
        message=batch.intern(_clean(finding.message or "", MAX_MESSAGE)),
        reference=batch.intern(_clean(finding.reference or "")),
        evidence=_clean(finding.evidence) if finding.evidence else None,
    )


def _collect(reports: Iterable[Report]) -> _Batch:
    batch = _Batch()
    for report in reports:  # one pass; nothing keeps a reference to the Report
        batch.documents += 1
        source = _clean(report.source or "")
        url = _clean(report.url) if report.url else None
        if report.error is not None:
            batch.skipped += 1
            batch.skip_reasons[_clean(report.skip_reason or "unknown error")] += 1
            if len(batch.skipped_list) < SKIPPED_LIST_LIMIT:
                batch.skipped_list.append((url or source or _clean(report.id), _clean(report.error)))
            continue
        batch.truncated += bool(report.truncated)
        asserted = [_item(f, batch) for f in report.findings if f.asserted]
        mentions = [_item(f, batch) for f in report.findings if not f.asserted]
        score = sum(SEVERITIES.get(item.severity, 0) for item in asserted)
        categories = sorted({item.category for item in asserted})
        domain = batch.domains.setdefault(_clean(report.domain or LOCAL), _DomainStats())
        domain.pages += 1
        domain.score += score
        batch.asserted += len(asserted)
        batch.mentions += len(mentions)
        if asserted:
            batch.flagged += 1
            domain.flagged += 1
            for item in asserted:
                domain.categories[item.cat_id or "other"] += 1
                batch.per_category[item.cat_id or "other"] += 1
        else:
            batch.clean += 1
        if asserted or mentions:
            levels = [item.severity for item in asserted if item.severity in SEVERITIES]
            batch.pages.append(
                _Page(
                    id=_clean(report.id or ""),
                    source=source,
                    url=url,
                    lang=_clean(report.lang or "", 20),
                    score=score,
                    max_severity=max(levels, key=SEVERITIES.__getitem__) if levels else None,
                    categories=categories,
                    truncated=bool(report.truncated),
                    asserted=asserted,
                    mentions=mentions,
                )
            )
    batch.pages.sort(key=lambda page: (-page.score, page.verdict != "flagged", page.id, page.source))
    for rank, page in enumerate(batch.pages, start=1):
        page.rank = rank
    return batch


# ------------------------------------------------------------------------------------------- the output


def _css() -> str:
    rules = []
    for cat, (strong, ink, tint) in [*CATEGORY_COLOURS.items(), ("other", OTHER_COLOURS)]:
        rules.append(
            f".chip.cat-{cat},.swatch.cat-{cat}{{background:{strong};color:{ink};border-color:{strong}}}"
            f"mark.cat-{cat}{{background:{tint};border-bottom-color:{strong}}}"
            f"rect.cat-{cat}{{fill:{strong}}}"
        )
    return _BASE_CSS + "\n".join(rules) + "\n"


_BASE_CSS = """\
:root{--ink:#1a1a1a;--muted:#5f5f5f;--line:#d6d6d6;--soft:#f5f5f3}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;color:var(--ink);background:#fff;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,\
"Helvetica Neue",Arial,sans-serif}
main{max-width:1120px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:20px;margin:36px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--ink)}
h3{font-size:16px;margin:0 0 6px;overflow-wrap:anywhere}
a{color:#0b4f9c}
.muted,.meta dt{color:var(--muted)}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:10px 0 0;font-size:13px}
.meta dd{margin:0;overflow-wrap:anywhere}
nav.toc{margin:14px 0 0;font-size:14px}
nav.toc a{margin-right:14px}
.totals{display:flex;flex-wrap:wrap;gap:10px;margin:18px 0 0;padding:0;list-style:none}
.totals li{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:120px;background:var(--soft)}
.totals b{display:block;font-size:24px;line-height:1.2}
.totals .flagged b{color:#b71c1c}
.totals span{font-size:13px;color:var(--muted)}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);border-bottom:2px solid #999}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.page-cell{overflow-wrap:anywhere;max-width:460px}
.chip{display:inline-block;border:1px solid;border-radius:3px;padding:0 6px;margin:1px 3px 1px 0;\
font-size:12px;line-height:18px;white-space:nowrap}
.chip.cat-none{background:#fff;color:var(--muted);border-color:var(--line)}
.swatch{display:inline-block;width:14px;height:14px;border-radius:2px;vertical-align:-2px;margin-right:6px}
.chart{width:100%;max-width:820px;height:auto;display:block;margin:6px 0 10px}
.chart text{font:13px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:var(--ink)}
.chart .axis{stroke:#999;stroke-width:1}
.legend{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:4px 18px;margin:0;padding:0;\
list-style:none;font-size:13px}
.legend code{font-weight:600}
.filters{margin:18px 0 0;padding:10px 12px;border:1px solid var(--line);border-radius:6px;background:var(--soft);\
font-size:13px}
.filters legend{font-weight:600;padding:0 4px}
.filters label{display:inline-block;margin:3px 12px 3px 0;white-space:nowrap}
.filters button{font:inherit;margin-right:6px}
.verdict-flagged{color:#b71c1c;font-weight:600}
.verdict-clean{color:#2e7d32}
.sev{display:inline-block;font-size:12px;padding:0 5px;border-radius:3px;border:1px solid #999}
.sev-high{background:#1a1a1a;color:#fff;border-color:#1a1a1a}
.sev-medium{background:#777;color:#fff;border-color:#777}
.sev-low{background:#fff;color:var(--ink)}
section.page{border:1px solid var(--line);border-radius:6px;padding:14px 16px;margin:0 0 16px}
.page-info{font-size:13px;color:var(--muted);margin:0 0 8px;overflow-wrap:anywhere}
.page-info b{color:var(--ink);font-weight:600}
ol.findings{margin:8px 0 0;padding-left:24px}
li.finding{margin:0 0 14px;padding:0 0 10px;border-bottom:1px dashed var(--line)}
li.finding:last-child{border-bottom:0;padding-bottom:0}
blockquote{margin:0 0 6px;padding:6px 10px;background:var(--soft);border-left:3px solid #999;font-size:15px;\
overflow-wrap:anywhere}
mark{color:inherit;padding:0 1px;border-bottom:2px solid #999;background:#eee}
mark.muted{background:transparent;border-bottom:2px dotted #888}
.notfound{font-size:13px;color:var(--muted)}
.finding-meta{font-size:13px;margin:0 0 4px}
.finding-meta .sep{color:#aaa;margin:0 4px}
.message{margin:0 0 4px}
.ref{font-size:13px;margin:0;overflow-wrap:anywhere}
details{margin:10px 0 0;font-size:14px}
summary{cursor:pointer;color:var(--muted)}
ul.mentions{margin:6px 0 0;padding-left:20px}
ul.mentions li{margin:0 0 8px}
.back{font-size:12px;margin:8px 0 0;text-align:right}
.empty{padding:10px 12px;background:var(--soft);border-radius:6px}
.filtered-out{display:none!important}
footer{margin-top:40px;font-size:12px;color:var(--muted)}
@media print{
  body{font-size:11pt}
  main{max-width:none;padding:0}
  .filters,nav.toc,.back{display:none!important}
  h2{break-after:avoid}
  h3{break-after:avoid}
  li.finding,tr,.totals li,.chart{break-inside:avoid}
  section.page{border:0;border-top:1px solid #999;border-radius:0;padding:10px 0}
  a{color:var(--ink)}
  .chip,.swatch,mark,.sev,.chart,blockquote,.totals li{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""

# The only script in the page. It reads category ids from data- attributes (set from the fixed list) and
# toggles a class; it never reads scraped text.
_SCRIPT = """\
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  form.hidden = false;
  var boxes = form.querySelectorAll("input[data-cat]");
  var status = document.getElementById("filter-status");
  function apply() {
    var on = {}, all = true, i, j;
    for (i = 0; i < boxes.length; i++) {
      on[boxes[i].getAttribute("data-cat")] = boxes[i].checked;
      if (!boxes[i].checked) { all = false; }
    }
    var items = document.querySelectorAll(".finding[data-cat], .mention[data-cat]");
    for (i = 0; i < items.length; i++) {
      items[i].classList.toggle("filtered-out", on[items[i].getAttribute("data-cat")] === false);
    }
    var pages = document.querySelectorAll("[data-cats]"), shown = 0, total = 0;
    for (i = 0; i < pages.length; i++) {
      var cats = pages[i].getAttribute("data-cats").split(" "), show = all;
      for (j = 0; j < cats.length && !show; j++) { show = on[cats[j]] === true; }
      pages[i].classList.toggle("filtered-out", !show);
      if (pages[i].tagName === "SECTION") { total++; if (show) { shown++; } }
    }
    if (status) {
      status.textContent = all ? "" : "Showing " + shown + " of " + total + " page sections.";
    }
  }
  function setAll(value) {
    for (var i = 0; i < boxes.length; i++) { boxes[i].checked = value; }
    apply();
  }
  form.addEventListener("change", apply);
  document.getElementById("filter-all").addEventListener("click", function () { setAll(true); });
  document.getElementById("filter-none").addEventListener("click", function () { setAll(false); });
  function openTarget() {
    var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") { node.open = true; }
    }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
  var opened = [];
  window.addEventListener("beforeprint", function () {
    var closed = document.querySelectorAll("details:not([open])");
    for (var i = 0; i < closed.length; i++) { closed[i].open = true; opened.push(closed[i]); }
  });
  window.addEventListener("afterprint", function () {
    while (opened.length) { opened.pop().open = false; }
  });
})();
"""

CSS = _css()
SCRIPT = _SCRIPT


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


CSP = (
    "default-src 'none'; "
    f"script-src '{_sha256(SCRIPT)}'; "
    f"style-src '{_sha256(CSS)}'; "
    "img-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
)


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def _chip(category: str) -> str:
    cat_id = _cat_id(category)
    css = f"cat-{cat_id}" if cat_id else "cat-other"
    return f'<span class="chip {css}">{_e(category)}</span>'


def _chips(categories: Iterable[str]) -> str:
    chips = "".join(_chip(cat) for cat in categories)
    return chips or '<span class="chip cat-none">none asserted</span>'


def _data_cats(categories: Iterable[str]) -> str:
    return " ".join(cat for cat in categories if _cat_id(cat))


def _link(url: str | None, label: str) -> str:
    href = _http_url(url)
    if href is None:
        return _e(label)
    return f'<a href="{_e(href)}" rel="noopener noreferrer" target="_blank">{_e(label)}</a>'


def _severity(severity: str) -> str:
    css = f" sev-{severity}" if severity in SEVERITIES else ""
    return f'<span class="sev{css}">{_e(severity)}</span>'


def _sentence(item: _Item, *, muted: bool = False) -> str:
    css = "muted" if muted else f"cat-{item.cat_id or 'other'}"
    mark = f'<mark class="{css}">{_e(item.match)}</mark>'
    if item.located:
        return f"{_e(item.before)}{mark}{_e(item.after)}"
    if not item.before:
        return mark
    return f'{_e(item.before)} <span class="notfound">(matched: {mark})</span>'


def _context(item: _Item) -> str:
    text = f"context: <b>{_e(item.context)}</b>"
    if item.cue:
        text += f" (cue: “{_e(item.cue)}”)"
    return text


def _header(batch: _Batch, title: str, generated_at: str, meta: dict[str, str] | None) -> Iterator[str]:
    yield "<header>\n"
    yield f"<h1>{_e(title)}</h1>\n"
    yield '<dl class="meta">'
    yield f"<dt>generated</dt><dd>{_e(generated_at)}</dd>"
    for key, value in (meta or {}).items():
        yield f"<dt>{_e(_clean(key, 80))}</dt><dd>{_e(_clean(value, 2000))}</dd>"
    yield "</dl>\n"
    yield '<ul class="totals">'
    for css, count, label in (
        ("documents", batch.documents, "documents"),
        ("flagged", batch.flagged, "flagged"),
        ("clean", batch.clean, "clean"),
        ("skipped", batch.skipped, "skipped"),
        ("claims", batch.asserted, "red-flag claims"),
        ("mentions", batch.mentions, "non-asserted mentions"),
    ):
        yield f'<li class="{css}"><b>{count}</b><span>{label}</span></li>'
    yield "</ul>\n"
    if batch.truncated:
        yield (
            f'<p class="muted">{_plural(batch.truncated, "document")} too long to check in full: '
            "only the first part was checked.</p>\n"
        )
    yield (
        '<nav class="toc"><a href="#categories">Categories</a><a href="#domains">Domains</a>'
        '<a href="#pages">Pages</a><a href="#claims">Claims by page</a><a href="#skipped">Skipped</a></nav>\n'
    )
    yield "</header>\n"


def _filters() -> str:
    boxes = "".join(
        f'<label><input type="checkbox" checked data-cat="{_e(cat)}"> '
        f'<span class="chip cat-{_e(cat)}">{_e(cat)}</span></label>'
        for cat in CATEGORIES
    )
    return (
        '<form id="filters" class="filters" hidden><fieldset>'
        + "<legend>Show pages and claims in these categories</legend>"
        + boxes
        + '<div><button type="button" id="filter-all">all</button>'
        + '<button type="button" id="filter-none">none</button>'
        + '<span id="filter-status" class="muted"></span></div>'
        + "</fieldset></form>\n"
    )


def _chart(batch: _Batch) -> Iterator[str]:
    yield '<section id="categories">\n<h2>Red-flag claims by category</h2>\n'
    order = {cat: i for i, cat in enumerate(CATEGORIES)}
    rows = sorted(CATEGORIES, key=lambda cat: (-batch.per_category[cat], order[cat]))
    if batch.per_category["other"]:
        rows.append("other")
    peak = max([batch.per_category[cat] for cat in rows] + [1])
    label_w, bar_w, row_h = 190, 560, 26
    height = row_h * len(rows) + 8
    yield (
        f'<svg class="chart" viewBox="0 0 820 {height}" width="820" height="{height}" role="img" '
        f'aria-label="Asserted red-flag claims per category">\n'
    )
    for i, cat in enumerate(rows):
        count = batch.per_category[cat]
        y = 4 + i * row_h
        width = round(bar_w * count / peak, 1)
        yield f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">{_e(cat)}</text>'
        if count:
            yield f'<rect class="cat-{_e(cat)}" x="{label_w}" y="{y + 3}" width="{width}" height="{row_h - 8}"/>'
        yield f'<text x="{label_w + width + 6}" y="{y + 17}">{count}</text>\n'
    yield f'<line class="axis" x1="{label_w}" y1="2" x2="{label_w}" y2="{height - 2}"/>\n'
    yield "</svg>\n"
    yield '<ul class="legend">'
    for cat in CATEGORIES:
        yield (
            f'<li><span class="swatch cat-{_e(cat)}"></span><code>{_e(cat)}</code>: '
            f"{_e(CATEGORY_LABELS.get(cat, ''))}</li>"
        )
    if batch.per_category["other"]:
        yield '<li><span class="swatch cat-other"></span><code>other</code>: a category this version does not know</li>'
    yield "</ul>\n"
    yield _filters()
    yield "</section>\n"


def _domains(batch: _Batch) -> Iterator[str]:
    yield '<section id="domains">\n<h2>Domains by risk</h2>\n'
    if not batch.domains:
        yield '<p class="empty">No documents were checked.</p>\n</section>\n'
        return
    ranked = sorted(batch.domains.items(), key=lambda kv: (-kv[1].score, -kv[1].flagged, -kv[1].pages, kv[0]))
    yield (
        '<table class="domains"><thead><tr><th class="num">#</th><th>domain</th><th class="num">pages</th>'
        '<th class="num">flagged</th><th class="num">score</th><th>top categories</th></tr></thead><tbody>\n'
    )
    for number, (name, stats) in enumerate(ranked[:DOMAIN_LIMIT], start=1):
        top = [cat for cat, _ in stats.categories.most_common(3)]
        yield (
            f'<tr data-cats="{_e(_data_cats(stats.categories))}"><td class="num">{number}</td>'
            f'<td class="page-cell">{_e(name)}</td><td class="num">{stats.pages}</td>'
            f'<td class="num">{stats.flagged}</td><td class="num">{stats.score}</td>'
            f"<td>{_chips(top) if top else ''}</td></tr>\n"
        )
    yield "</tbody></table>\n"
    if len(ranked) > DOMAIN_LIMIT:
        yield f'<p class="muted">{len(ranked) - DOMAIN_LIMIT} more domains not listed.</p>\n'
    yield '<p class="muted">Score: the sum of asserted claims weighted by severity (high 3, medium 2, low 1).</p>\n'
    yield "</section>\n"


def _ranking(batch: _Batch) -> Iterator[str]:
    yield '<section id="pages">\n<h2>Pages by risk</h2>\n'
    if not batch.pages:
        yield '<p class="empty">No page carries a red-flag claim or mention.</p>\n</section>\n'
        return
    yield (
        '<table class="ranking"><thead><tr><th class="num">#</th><th>page</th><th class="num">score</th>'
        "<th>verdict</th><th>severity</th><th>categories</th><th>details</th></tr></thead><tbody>\n"
    )
    for page in batch.pages:
        extra = f'<br><span class="muted">{_e(page.id)}</span>' if page.id != page.label else ""
        yield (
            f'<tr data-cats="{_e(_data_cats(page.categories))}"><td class="num">{page.rank}</td>'
            f'<td class="page-cell">{_link(page.url, page.label)}{extra}</td>'
            f'<td class="num">{page.score}</td>'
            f'<td class="verdict-{page.verdict}">{page.verdict}</td>'
            f"<td>{_severity(page.max_severity) if page.max_severity else '–'}</td>"
            f"<td>{_chips(page.categories)}</td>"
            f'<td><a href="#page-{page.rank}">{_plural(len(page.asserted), "claim")}'
            f"{', ' + _plural(len(page.mentions), 'mention') if page.mentions else ''}</a></td></tr>\n"
        )
    yield "</tbody></table>\n"
    unlisted = batch.clean - sum(1 for page in batch.pages if page.verdict == "clean")
    if unlisted:
        yield f'<p class="muted">{_plural(unlisted, "clean page")} without any mention not listed.</p>\n'
    yield "</section>\n"


def _mentions(page: _Page) -> Iterator[str]:
    kinds = Counter(item.context for item in page.mentions)
    summary = ", ".join(f"{count} {kind}" for kind, count in kinds.most_common())
    yield (
        f"<details><summary>{_plural(len(page.mentions), 'non-asserted mention')} ({_e(summary)}): "
        'the page does not make these claims itself</summary>\n<ul class="mentions">\n'
    )
    for item in page.mentions:
        data = f' data-cat="{_e(item.cat_id)}"' if item.cat_id else ""
        yield (
            f'<li class="mention"{data}>{_sentence(item, muted=True)}<br>'
            f'<span class="finding-meta">{_chip(item.category)} {_severity(item.severity)}'
            f'<span class="sep">·</span>{_context(item)}<span class="sep">·</span>'
            f'<span class="muted">{_e(item.rule)}</span></span></li>\n'
        )
    yield "</ul></details>\n"


def _page_section(page: _Page) -> Iterator[str]:
    yield f'<section class="page" id="page-{page.rank}" data-cats="{_e(_data_cats(page.categories))}">\n'
    yield f'<h3><span class="muted">#{page.rank}</span> {_link(page.url, page.label)}</h3>\n'
    info = [f"score <b>{page.score}</b>", f'verdict <b class="verdict-{page.verdict}">{page.verdict}</b>']
    if page.lang:
        info.append(f"language <b>{_e(page.lang)}</b>")
    if page.id != page.label:
        info.append(f"id <b>{_e(page.id)}</b>")
    if page.source and page.source not in (page.label, page.id):
        info.append(f"source <b>{_e(page.source)}</b>")
    if page.truncated:
        info.append("only the first part of this long document was checked")
    yield f'<p class="page-info">{" · ".join(info)}</p>\n'
    if page.asserted:
        yield f"<div>{_chips(page.categories)}</div>\n"
        yield '<ol class="findings">\n'
        for item in page.asserted:
            data = f' data-cat="{_e(item.cat_id)}"' if item.cat_id else ""
            yield f'<li class="finding"{data}>\n<blockquote>{_sentence(item)}</blockquote>\n'
            yield (
                f'<p class="finding-meta">{_chip(item.category)} {_severity(item.severity)}'
                f'<span class="sep">·</span>{_context(item)}<span class="sep">·</span>'
                f'rule <span class="muted">{_e(item.rule)}</span></p>\n'
            )
            if item.evidence:
                yield f'<p class="finding-meta muted">with: “{_e(item.evidence)}”</p>\n'
            if item.message:
                yield f'<p class="message">{_e(item.message)}</p>\n'
            if item.reference:
                note = "" if _http_url(item.reference) else ' <span class="muted">(not a web link)</span>'
                yield f'<p class="ref">Reference: {_link(item.reference, item.reference)}{note}</p>\n'
            yield "</li>\n"
        yield "</ol>\n"
    else:
        yield '<p class="muted">No red-flag claim asserted by this page.</p>\n'
    if page.mentions:
        yield from _mentions(page)
    yield '<p class="back"><a href="#pages">back to the ranking</a></p>\n</section>\n'


def _sections(batch: _Batch) -> Iterator[str]:
    yield '<section id="claims">\n<h2>Claims by page</h2>\n'
    flagged = [page for page in batch.pages if page.asserted]
    clean = [page for page in batch.pages if not page.asserted]
    if not flagged:
        yield '<p class="empty">No page asserts a red-flag claim.</p>\n'
    for page in flagged:
        yield from _page_section(page)
    if clean:
        yield (
            f"<details><summary>{_plural(len(clean), 'clean page')} with non-asserted mentions only"
            "</summary>\n"
        )
        for page in clean:
            yield from _page_section(page)
        yield "</details>\n"
    yield "</section>\n"


def _skipped(batch: _Batch) -> Iterator[str]:
    yield '<section id="skipped">\n<h2>Skipped documents</h2>\n'
    if not batch.skipped:
        yield '<p class="empty">No document was skipped.</p>\n</section>\n'
        return
    yield (
        '<table class="skipped"><thead><tr><th>reason</th><th class="num">documents</th></tr></thead><tbody>\n'
    )
    for reason, count in sorted(batch.skip_reasons.items(), key=lambda kv: (-kv[1], kv[0])):
        yield f'<tr><td class="page-cell">{_e(reason)}</td><td class="num">{count}</td></tr>\n'
    yield "</tbody></table>\n"
    yield f"<details><summary>{_plural(batch.skipped, 'skipped source')}</summary>\n<ul>\n"
    for source, error in batch.skipped_list:
        yield f'<li><span class="page-cell">{_e(source)}</span>: <span class="muted">{_e(error)}</span></li>\n'
    yield "</ul>\n"
    if batch.skipped > len(batch.skipped_list):
        yield f'<p class="muted">{batch.skipped - len(batch.skipped_list)} more not listed.</p>\n'
    yield "</details>\n</section>\n"


def write_html_report(
    reports: Iterable[Report],
    handle: TextIO,
    *,
    title: str = "claimcheck report",
    generated_at: str | None = None,
    meta: dict[str, str] | None = None,
) -> None:
    """Write one self-contained HTML page for a batch of Reports, reading the iterable once."""
    batch = _collect(reports)
    title = _clean(title, 200) or "claimcheck report"
    generated = _clean(generated_at or datetime.now(timezone.utc).isoformat(timespec="seconds"), 80)
    handle.write(
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(CSP)}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n"
        f"<style>{CSS}</style>\n"
        "</head>\n<body>\n<main>\n"
    )
    for part in (
        _header(batch, title, generated, meta),
        _chart(batch),
        _domains(batch),
        _ranking(batch),
        _sections(batch),
        _skipped(batch),
    ):
        for chunk in part:
            handle.write(chunk)
    handle.write(
        "<footer><p>Generated by claimcheck. Quoted sentences come from the scanned pages and are shown as "
        "plain text. An automatic flag is a lead for review, not a finding of fact.</p></footer>\n"
        f"</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )
