"""Custom attributes on spaCy objects. Results live on the Doc; renderers never re-run matching.

spaCy keys Span._ values by character offsets only, so two findings over the same words (say
"FDA-compliant" as unverified_product and as regulatory_misrep) would share them. Our attributes are
keyed by offsets *and* label, through getters and setters that store them in doc.user_data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spacy.tokens import Doc, Span

SPANS_KEY = "claimcheck"
_ATTRIBUTES = {"rule": None, "context": "asserted", "cue": None, "evidence": None}


def _accessors(name: str, default: Any) -> tuple[Callable[[Span], Any], Callable[[Span, Any], None]]:
    def key(span: Span) -> tuple[str, str, int, int, int]:
        return ("claimcheck", name, span.start, span.end, span.label)

    def getter(span: Span) -> Any:
        data: dict[Any, Any] = span.doc.user_data
        return data.get(key(span), default)

    def setter(span: Span, value: Any) -> None:
        data: dict[Any, Any] = span.doc.user_data
        data[key(span)] = value

    return getter, setter


def register() -> None:
    """Idempotent: safe to call from every pipeline builder and every worker process."""
    for name, default in _ATTRIBUTES.items():
        if not Span.has_extension(name):
            getter, setter = _accessors(name, default)
            Span.set_extension(name, getter=getter, setter=setter)
    # "main" for the page's own text, "comment" for a reader comments section (never the clinic's voice).
    if not Doc.has_extension("voice"):
        Doc.set_extension("voice", default="main")
