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
_ABBREVIATIONS = (
    "dr",
    "dra",
    "mr",
    "mrs",
    "ms",
    "sr",
    "sra",
    "srta",
    "st",
    "vs",
    "etc",
    "e.g",
    "i.e",
    "no",
    "fig",
    "approx",
    "aprox",
    "p.ej",
    "ee.uu",
    "u.s",
)
# Sentence-final punctuation (optionally closed by quotes/brackets) and then space, unless a lower-case
# letter follows ("U.S. clinics") or the word before a full stop is an abbreviation ("Dr. Ruiz"); or any
# line break. The abbreviations are fixed-width look-behinds, so the whole scan stays inside the regex engine.
# Checked right after a full stop is consumed, so the look-behinds only run at full stops.
_NOT_ABBREVIATION = "".join(
    f"(?<![\\s(]{re.escape(form)}\\.)(?<!^{re.escape(form)}\\.)"
    for a in _ABBREVIATIONS
    for form in sorted({a, a.capitalize(), a.upper()})
)
_BOUNDARY = re.compile(
    rf"(?:[!?…]+|\.{_NOT_ABBREVIATION}\.*[!?…]*)[\"'”’»)\]]*[ \t]+(?![a-záéíóúüñ])|[ \t]*\n\s*",
    re.MULTILINE,
)
_CACHE_KEY = "claimcheck.sentence_bounds"
TEXT_KEY = "claimcheck.text"


def _boundaries(doc: Doc) -> tuple[str, list[int]]:
    """(doc.text, sentence starts). Cached on the Doc: doc.text is rebuilt from the tokens at every access."""
    cached = doc.user_data.get(_CACHE_KEY)
    if cached is not None:
        return cached
    text = doc.user_data.get(TEXT_KEY) or doc.text  # the checker stores the text it tokenized
    bounds = [0, *(match.end() for match in _BOUNDARY.finditer(text))]
    bounds.append(len(text))
    doc.user_data[_CACHE_KEY] = (text, bounds)
    return text, bounds


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
