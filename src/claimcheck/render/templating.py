"""The jinja2 environment of the HTML views (report, diff, `claimcheck serve`), their colours and assets.

Autoescape is on for every template (markupsafe: ``& < > " '``, in text and attribute values alike);
`render_chunks` streams a page and writes quotes as ``html.escape`` does. Only our own CSS and script are
marked safe (`trusted`). Templates get class names and data- attributes only from the fixed category list
(the `cat_class` filter) and from numbers.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup

from claimcheck.render.reportmodel import cat_id, data_cats, http_url, plural
from claimcheck.rules import CATEGORIES, SEVERITIES

TEMPLATES = Path(__file__).with_name("templates")

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


def asset(name: str) -> str:
    """One of our own stylesheets or scripts, shipped beside the templates."""
    return (TEMPLATES / name).read_text(encoding="utf-8")


def category_css() -> str:
    """Chip, swatch, highlight and bar colours of each category (and of an unknown one)."""
    rules = []
    for cat, (strong, ink, tint) in [*CATEGORY_COLOURS.items(), ("other", OTHER_COLOURS)]:
        rules.append(
            f".chip.cat-{cat},.swatch.cat-{cat}{{background:{strong};color:{ink};border-color:{strong}}}"
            f"mark.cat-{cat}{{background:{tint};border-bottom-color:{strong}}}"
            f"rect.cat-{cat}{{fill:{strong}}}"
        )
    return "\n".join(rules) + "\n"


def csp_hash(text: str) -> str:
    """The CSP source that allows exactly this inline script or stylesheet."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def stdlib_entities(chunk: str) -> str:
    """markupsafe writes quotes as &#34; and &#39;; html.escape (the project's escaping) as &quot; and &#x27;.

    Exact on template output: our templates and our CSS/script never contain "&#34;" or "&#39;", and a
    page's own "&#34;" text is escaped to "&amp;#34;" first, so every match is a quote markupsafe escaped.
    """
    return chunk.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")


def render_chunks(template: Template, context: Mapping[str, Any], buffer: int = 64) -> Iterator[str]:
    """The rendered page in pieces of about `buffer` template outputs: streamed, never one page-sized string."""
    stream = template.stream(context)
    stream.enable_buffering(buffer)
    for chunk in stream:
        yield stdlib_entities(chunk)


def _cat_class(category: str) -> str:
    return cat_id(category) or "other"


def _percent(value: float) -> str:
    return f"{round(value * 100)}%"


@cache
def environment(*extra: Path) -> Environment:
    """The report templates, plus the folders given (searched first: web/ adds its pages this way)."""
    env = Environment(
        loader=FileSystemLoader([*extra, TEMPLATES]),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,  # a misspelt variable is a bug, not an empty string
    )
    env.filters.update(http_url=http_url, cat_class=_cat_class, percent=_percent)
    env.globals.update(
        CATEGORIES=CATEGORIES,
        CATEGORY_LABELS=CATEGORY_LABELS,
        SEVERITIES=SEVERITIES,
        plural=plural,
        data_cats=data_cats,
    )
    return env


def trusted(text: str) -> Markup:
    """Our own CSS or script, inlined as it is (never page content)."""
    return Markup(text)
