"""Sources: read inputs (files, stdin, URLs, folders, JSON Lines, WARCs; text, HTML and PDF) into
Documents, and turn a Document into the text that is checked. Nothing here knows about spaCy or rules."""

from claimcheck.sources.document import Document, Prepared, page_of, prepare
from claimcheck.sources.inputs import iter_documents, read_single

__all__ = ["Document", "Prepared", "iter_documents", "page_of", "prepare", "read_single"]
