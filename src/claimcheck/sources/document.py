"""A Document as read, and its preparation into checked text."""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass

from claimcheck.errors import InputError
from claimcheck.sources.decode import decode
from claimcheck.sources.html import extract_html, has_markup
from claimcheck.sources.pdf import is_pdf, pdf_text

DEFAULT_MAX_CHARS = 1_000_000  # a 50 MB page is capped, not fatal: the report says it was truncated

# Plain-text pages keep their comment sections; from these headings on, readers speak, not the clinic.
_COMMENTS_HEADING = re.compile(
    r"^[ \t]*(?:\d+\s+(?:thoughts?|comments?|responses?|replies)\s+(?:on|to)\b.*"
    r"|leave a (?:reply|comment)\b.*|comments?\s*(?:\(\d+\))?\s*:?"
    r"|\d+\s+comentarios?\b.*|deja (?:un|tu) comentario\b.*|comentarios?\s*(?:\(\d+\))?\s*:?)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


def charset_of(content_type: str | None) -> str | None:
    """The charset named by an HTTP Content-Type header, if any."""
    lowered = (content_type or "").lower()
    if "charset=" not in lowered:
        return None
    return lowered.split("charset=", 1)[1].split(";")[0].strip().strip('"') or None


@dataclass
class Document:
    """One document to check. `raw` is exactly what was read: its SHA-256 identifies the document."""

    id: str
    source: str
    raw: bytes
    url: str | None = None
    kind: str = "text"  # "text", "html" or "pdf"
    charset: str | None = None  # declared by HTTP headers, when known
    error: str | None = None  # set when the document could not be read at all
    truncated: bool = False  # the reader stopped at a byte cap

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()


COMMENTS_MIN_SHARE = 0.3  # a comments heading in the first 30% of a page is a menu item, not the thread


def _comments_start(text: str) -> int | None:
    for heading in _COMMENTS_HEADING.finditer(text):
        if heading.start() >= COMMENTS_MIN_SHARE * len(text):
            return heading.start()
    return None


@dataclass(frozen=True)
class Prepared:
    text: str
    comments_from: int | None  # offset where a reader comments section starts
    truncated: bool
    page_starts: tuple[int, ...] = ()  # PDF: offset where each page begins; empty for other kinds


def page_of(page_starts: tuple[int, ...], offset: int) -> int | None:
    """The 1-based page holding a character offset of the checked text; None when there are no pages."""
    if not page_starts or offset < page_starts[0]:
        return None
    return bisect.bisect_right(page_starts, offset)


def prepare(doc: Document, max_chars: int = DEFAULT_MAX_CHARS) -> Prepared:
    """Decode and reduce a document to its checked text; raise InputError with the reason if impossible."""
    if doc.error:
        raise InputError(doc.error)
    if not doc.raw.strip():
        raise InputError("empty document")
    if doc.kind == "pdf" or is_pdf(doc.raw):
        return _prepare_pdf(doc, max_chars)
    text = decode(doc.raw, doc.charset, cut=doc.truncated)
    if doc.kind == "html" and has_markup(text):
        text, comments_from = extract_html(text)
    else:  # plain text, or a .html file that holds no tags at all
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        comments_from = _comments_start(text)
    if not text.strip():
        raise InputError("no text to check")
    truncated = len(text) > max_chars or doc.truncated
    if len(text) > max_chars:
        text = text[:max_chars]
        if comments_from is not None and comments_from >= max_chars:
            comments_from = None
    return Prepared(text=text, comments_from=comments_from, truncated=truncated)


def _prepare_pdf(doc: Document, max_chars: int) -> Prepared:
    try:
        pdf = pdf_text(doc.raw, max_chars)
    except InputError as exc:
        cut = " (the file was cut at the size cap)" if doc.truncated and "corrupt" in str(exc) else ""
        raise InputError(f"{exc}{cut}") from None
    text, starts = pdf.text[:max_chars], tuple(s for s in pdf.page_starts if s < max_chars)
    truncated = pdf.truncated or doc.truncated or len(pdf.text) > max_chars
    return Prepared(text=text, comments_from=None, truncated=truncated, page_starts=starts)
