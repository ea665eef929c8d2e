"""Sources: read inputs (files, stdin, URLs, folders, JSON Lines) into Documents, and turn a Document
into the text that is checked. Nothing here knows about spaCy or rules."""

from claimcheck.sources.document import Document, Prepared, prepare
from claimcheck.sources.inputs import iter_documents, read_single

__all__ = ["Document", "Prepared", "iter_documents", "prepare", "read_single"]
