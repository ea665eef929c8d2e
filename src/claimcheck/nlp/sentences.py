"""Sentence scope, computed lazily around matches.

spaCy's Sentencizer walks every token in Python, which costs as much as the tokenizer itself on web
text, and it splits "¿Funciona? ¡Sí!" after the "¡". Claims only need the sentence *around a match*,
so boundaries come from one regex pass over the text (C speed) and are looked up by bisection.
Line breaks always end a sentence: a heading or a list item never runs into the next one.

Sentences and blocks are bounded in length (MAX_SENTENCE_CHARS, MAX_BLOCK_CHARS): a 300 KB paragraph
without a full stop is not a sentence, and every finding copies and rescans its sentence, so an unbounded
one makes a claim-dense page cost findings x length. An over-long sentence is cut at a space, a block at a
sentence end.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable

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
# The look-behind starts a match only at the first mark of a run, so a long run is tried once, not once
# per mark (which made "!" x 20,000 quadratic). It is written after the first character, so that the
# pattern begins with one character set: the regex engine then skips ahead to the next mark or line break
# instead of trying a match at every character (3-4 times faster; tests/test_speed_sentences.py checks
# it finds exactly what r"(?<![.!?…])[.!?…]+[\"'”’»)\]]*[ \t]+(?![a-záéíóúüñ—–])|\n\s*" finds).
_BOUNDARY = re.compile(r"[.!?…\n](?:(?<=\n)\s*|(?<![.!?…]{2})[.!?…]*[\"'”’»)\]]*[ \t]+(?![a-záéíóúüñ—–]))")
MAX_SENTENCE_CHARS = 1000
MAX_BLOCK_CHARS = 5000
_LONGEST_ABBREVIATION = max(map(len, _ABBREVIATIONS))
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
    bounds = _capped(bounds, MAX_SENTENCE_CHARS, lambda lo, hi: _space_cut(text, lo, hi))
    doc.user_data[_CACHE_KEY] = (text, bounds)
    return text, bounds


def _capped(bounds: list[int], limit: int, cut: Callable[[int, int], int]) -> list[int]:
    """Sorted bounds with extra cuts wherever two are more than `limit` apart; cut(lo, hi) is in (lo, hi]."""
    out = [bounds[0]]
    for end in bounds[1:]:
        while end - out[-1] > limit:
            out.append(cut(out[-1], out[-1] + limit))
        out.append(end)
    return out


def _space_cut(text: str, lo: int, hi: int) -> int:
    """After the last space in the second half of [lo, hi); else at hi (a run without spaces)."""
    space = text.rfind(" ", lo + (hi - lo) // 2, hi)
    return space + 1 if space >= 0 else hi


def _abbreviation_before(text: str, dot: int) -> bool:
    # Only the few characters an abbreviation can span are looked at: a page of "a.\ta.\t..." has no
    # space to stop an unbounded search backwards at every full stop.
    lo = max(0, dot - _LONGEST_ABBREVIATION - 1)
    word_start = max(text.rfind(" ", lo, dot), text.rfind("\n", lo, dot), text.rfind("(", lo, dot)) + 1
    if word_start == 0 and lo > 0:
        return False
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
    text, sentences = _boundaries(doc)
    if cached is None:
        blocks = [0, *(m.end() for m in _BLANK_LINE.finditer(text)), len(text)]
        cached = _capped(blocks, MAX_BLOCK_CHARS, lambda lo, hi: _sentence_cut(sentences, lo, hi))
        doc.user_data[_BLOCK_KEY] = cached
    start = cached[bisect_right(cached, start_char) - 1]
    end = cached[min(bisect_left(cached, end_char), len(cached) - 1)]
    return start, max(start, len(text[start:end].rstrip()) + start)


def _sentence_cut(sentences: list[int], lo: int, hi: int) -> int:
    """At the last sentence start in the second half of (lo, hi]; else at hi."""
    i = bisect_right(sentences, hi) - 1
    return sentences[i] if sentences[i] > lo + (hi - lo) // 2 else hi
