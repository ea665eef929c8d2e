"""A Document as read, and its preparation into checked text."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from claimcheck.errors import InputError
from claimcheck.sources.decode import decode
from claimcheck.sources.html import extract_html

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
    kind: str = "text"  # "text" or "html"
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


def prepare(doc: Document, max_chars: int = DEFAULT_MAX_CHARS) -> Prepared:
    """Decode and reduce a document to its checked text; raise InputError with the reason if impossible."""
    if doc.error:
        raise InputError(doc.error)
    if not doc.raw.strip():
        raise InputError("empty document")
    text = decode(doc.raw, doc.charset, cut=doc.truncated)
    if doc.kind == "html":
        text, comments_from = extract_html(text)
    else:
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
