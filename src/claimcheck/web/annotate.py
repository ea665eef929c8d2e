"""The checked text as runs for the annotated view: each run is plain, or covered by one finding (an
asserted claim wins over a mention, then the shorter span), numbered like the list of claims below it."""

from __future__ import annotations

from itertools import pairwise

from claimcheck.findings import Report
from claimcheck.render.reportmodel import FindingView, PageView
from claimcheck.textnorm import printable

FULL_TEXT_CHARS = 60_000  # longer texts show the sentences with findings only (the report's view)

Run = tuple[str, int | None, FindingView | None]  # text, claim number (on the run that ends it), finding


def text_runs(report: Report, page: PageView) -> list[Run] | None:
    """Runs covering the whole checked text, or None when it is empty or too long to show in full."""
    text = report.text
    if not text or len(text) > FULL_TEXT_CHARS:
        return None
    text = printable(text)  # one for one: offsets still hold
    asserted = [f for f in report.findings if f.asserted]
    mentions = [f for f in report.findings if not f.asserted]
    # (start, end, 0 for a claim and 1 for a mention, claim number, view); page_view keeps this order.
    spans: list[tuple[int, int, int, int | None, FindingView]] = [
        (f.start, f.end, 0, n, v) for n, (f, v) in enumerate(zip(asserted, page.asserted, strict=True), 1)
    ]
    spans += [(f.start, f.end, 1, None, v) for f, v in zip(mentions, page.mentions, strict=True)]
    spans = [s for s in spans if 0 <= s[0] < s[1] <= len(text)]
    cuts = sorted({0, len(text), *(s[0] for s in spans), *(s[1] for s in spans)})
    runs: list[list] = []  # [text, span or None, end offset]
    for start, end in pairwise(cuts):
        covering = [s for s in spans if s[0] <= start and end <= s[1]]
        best = min(covering, key=lambda s: (s[2], s[1] - s[0]), default=None)
        if runs and runs[-1][1] is best:
            runs[-1][0] += text[start:end]
            runs[-1][2] = end
        else:
            runs.append([text[start:end], best, end])
    # A claim's number goes after the run where it ends (a claim split by a nested one is numbered once).
    return [
        (chunk, span[3] if span and end == span[1] else None, span[4] if span else None)
        for chunk, span, end in runs
    ]
