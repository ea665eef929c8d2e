"""Who speaks on a page, from the classifier's window voices, and what that does to its findings.

CONTRACT.md: claims relayed by news, warning or regulator pages are `attributed`, not asserted. The
classifier scores every window's voice; the page's voice is their length-weighted mean, and on a page whose
voice is not marketing the asserted findings become attributed, with the voice as their cue.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from claimcheck.findings import Finding

MARKETING = "marketing"
GATE = 0.5  # below this probability of marketing, the page's own voice is not a seller's
# A sentence or two says little about who runs a page: short texts lean on a prior worth this many characters
# (most checked text is a clinic's), long pages on what their windows say.
PRIOR_CHARS = 400
PRIOR = {"marketing": 0.6, "cautionary": 0.1, "neutral": 0.2, "regulator": 0.1}


def page_voice(windows: Iterable[tuple[int, dict[str, float]]]) -> tuple[str, float] | None:
    """(voice, probability) from (window length, voice probabilities) pairs; None when nothing was scored."""
    totals = {name: PRIOR_CHARS * p for name, p in PRIOR.items()}
    weight = float(PRIOR_CHARS)
    scored = False
    for length, voices in windows:
        scored = True
        weight += length
        for name, p in voices.items():
            totals[name] = totals.get(name, 0.0) + length * p
    if not scored:
        return None
    means = {name: total / weight for name, total in totals.items()}
    if means.get(MARKETING, 0.0) >= GATE:
        return MARKETING, means[MARKETING]
    others = {k: v for k, v in means.items() if k != MARKETING}
    best = max(others, key=others.__getitem__)
    return best, others[best]


def relayed(findings: list[Finding], voice: str, probability: float) -> list[Finding]:
    """Asserted findings on a page that is not a seller's become attributed: the page relays them."""
    cue = f"page voice: {voice} ({probability:.2f})"
    return [dataclasses.replace(f, context="attributed", cue=cue) if f.asserted else f for f in findings]
