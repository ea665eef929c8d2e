"""Custom attributes on spaCy objects. Results live on the Doc; renderers never re-run matching."""

from __future__ import annotations

from spacy.tokens import Doc, Span

SPANS_KEY = "claimcheck"


def register() -> None:
    """Idempotent: safe to call from every pipeline builder and every worker process."""
    for name, default in (("rule", None), ("context", "asserted"), ("cue", None), ("evidence", None)):
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
    # "main" for the page's own text, "comment" for a reader comments section (never the clinic's voice).
    if not Doc.has_extension("voice"):
        Doc.set_extension("voice", default="main")
