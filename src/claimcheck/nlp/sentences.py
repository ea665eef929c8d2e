"""Sentence scope, computed lazily around matches.

spaCy's Sentencizer walks every token in Python, which costs as much as the tokenizer itself on web
text, and it splits "¿Funciona? ¡Sí!" after the "¡". Claims only need the sentence *around a match*,
so boundaries come from one regex pass over the text (C speed) and are looked up by bisection.
Line breaks always end a sentence: a heading or a list item never runs into the next one.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from spacy.tokens import Doc, Span

# Sentence-final punctuation (optionally closed by quotes/brackets) and then space, unless a
# lower-case letter follows ("U.S. clinics"); or any line break.
_ABBREVIATIONS = frozenset(
    "dr dra mr mrs ms sr sra srta st vs etc e.g i.e no nº fig approx aprox p.ej ee.uu u.s".split()
)
# Sentence-final punctuation (optionally closed by quotes/brackets) and then space, unless a lower-case
# letter or an attribution dash follows ("U.S. clinics", "...my life." — Ana); or any line break. Each alternative starts with a fixed character set, so
# the regex engine jumps from candidate to candidate; abbreviations ("Dr. Ruiz") are then checked in Python
# at full stops only (about one per sentence).
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*[ \t]+(?![a-záéíóúüñ—–])|\n\s*")
_CACHE_KEY = "claimcheck.sentence_bounds"
TEXT_KEY = "claimcheck.text"


def _boundaries(doc: Doc) -> tuple[str, list[int]]:
    """(doc.text, sentence starts). Cached on the Doc: doc.text is rebuilt from the tokens at every access."""
    cached = doc.user_data.get(_CACHE_KEY)
    if cached is not None:
        return cached
    text = doc.user_data.get(TEXT_KEY) or doc.text  # the checker stores the text it tokenized
    bounds = [0]
    for match in _BOUNDARY.finditer(text):
        start = match.start()
        if text[start] == "." and _abbreviation_before(text, start):
            continue
        bounds.append(match.end())
    bounds.append(len(text))
    doc.user_data[_CACHE_KEY] = (text, bounds)
    return text, bounds


def _abbreviation_before(text: str, dot: int) -> bool:
    word_start = max(text.rfind(" ", 0, dot), text.rfind("\n", 0, dot), text.rfind("(", 0, dot)) + 1
    return text[word_start:dot].lower() in _ABBREVIATIONS


def sentence_chars(doc: Doc, start_char: int, end_char: int) -> tuple[int, int]:
    """Character bounds of the sentence(s) containing [start_char, end_char), trailing space removed."""
    text, bounds = _boundaries(doc)
    start = bounds[bisect_right(bounds, start_char) - 1]
    end = bounds[min(bisect_left(bounds, end_char), len(bounds) - 1)]
    end = max(start, len(text[start:end].rstrip()) + start)
    return start, end


def doc_text(doc: Doc) -> str:
    return _boundaries(doc)[0]


def sentence_of(span: Span) -> Span:
    """The sentence around a span, as a Span of the same Doc."""
    doc = span.doc
    start, end = sentence_chars(doc, span.start_char, span.end_char)
    sent = doc.char_span(start, end, alignment_mode="expand")
    return sent if sent is not None else doc[span.start : span.end]


_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")
_BLOCK_KEY = "claimcheck.block_bounds"


def block_chars(doc: Doc, start_char: int, end_char: int) -> tuple[int, int]:
    """Character bounds of the block (text between blank lines: a paragraph, or a heading with its list)."""
    cached = doc.user_data.get(_BLOCK_KEY)
    text = doc_text(doc)
    if cached is None:
        cached = [0, *(m.end() for m in _BLANK_LINE.finditer(text)), len(text)]
        doc.user_data[_BLOCK_KEY] = cached
    start = cached[bisect_right(cached, start_char) - 1]
    end = cached[min(bisect_left(cached, end_char), len(cached) - 1)]
    return start, max(start, len(text[start:end].rstrip()) + start)
