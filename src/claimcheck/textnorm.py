"""Text folding shared by rule compilation and the pipeline, and the length bounds on checked text.

Clinics write "células madre", "celulas madres" and "CÉLULAS MADRE" for the same thing, so every
comparison happens on a folded form: lower case, accents stripped, typographic quotes made plain.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

_QUOTES = {"’": "'", "‘": "'", "´": "'", "`": "'", "“": '"', "”": '"', "«": '"', "»": '"'}
# The common accented letters, folded by table; anything rarer goes through Unicode decomposition.
_ACCENTED = "áàâäãåāéèêëēíìîïīóòôöõøōúùûüūñńçćýÿ"
_PLAIN = "aaaaaaaeeeeeiiiiiooooooouuuuunnccyy"
_FOLDED = {**_QUOTES, **dict(zip(_ACCENTED, _PLAIN, strict=True))}
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _fold_char(match: re.Match[str]) -> str:
    char = match.group()
    return _FOLDED.get(char, char)


def fold(text: str) -> str:
    """Lower-case, strip accents and normalise quotes ("Células" -> "celulas").

    Runs on every window the model reads and every new word spaCy sees, so the common cases are quick:
    ASCII text is lower() alone, and in other text only the non-ASCII characters (a few per sentence) are
    looked up, rather than str.translate's look-up of every character. Lower-casing first is the same as
    replacing quotes first: the quotes and their replacements are uncased (tests/test_speed_fold.py).
    """
    lowered = text.lower()
    if "`" in lowered:
        lowered = lowered.replace("`", "'")
    if lowered.isascii():
        return lowered
    fast = _NON_ASCII.sub(_fold_char, lowered)
    if fast.isascii():
        return fast
    decomposed = unicodedata.normalize("NFKD", fast)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# C0 controls (but tab and newline), DEL, C1 controls, lone surrogates and bidi overrides: a scraped page can
# use them to rewrite the terminal (escape sequences, hyperlinks) or to make a URL read backwards.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Unsafe characters replaced one for one by U+FFFD, so offsets into the text still hold."""
    return _UNSAFE.sub("\ufffd", text)


# spaCy's tokenizer strips prefixes and suffixes one at a time, rescanning the rest each time: a run of
# 20,000 "!" (or "_", "'s", emoji) without a space costs minutes. Runs and space-free stretches are therefore
# bounded before checking; the bounded text is the checked text, and offsets index it.
MAX_RUN = 20  # a run of one repeated punctuation mark, symbol or space is cut to this many characters
MAX_TOKEN = 200  # a stretch without spaces gets a space after every MAX_TOKEN characters
_RUN = re.compile(rf"([^\w]|_)\1{{{MAX_RUN},}}")
_LONG = re.compile(rf"\S{{{MAX_TOKEN}}}(?=\S)")


@dataclass
class OffsetMap:
    """Maps offsets of a text to offsets of its bounded form. An offset inside a cut run goes to its end."""

    ends: list[int] = field(default_factory=list)  # original offset where each edit ends
    keeps: list[int] = field(default_factory=list)  # original offset up to which the edited stretch is kept
    shifts: list[int] = field(default_factory=list)  # total shift for offsets at or after each end

    def __call__(self, offset: int) -> int:
        i = bisect_right(self.ends, offset)
        shift = self.shifts[i - 1] if i else 0
        if i < len(self.ends) and offset > self.keeps[i]:
            offset = self.keeps[i]  # inside a run that was cut
        return offset + shift


def _squash_runs(text: str) -> tuple[str, OffsetMap]:
    mapping, shift = OffsetMap(), 0
    for m in _RUN.finditer(text):
        shift -= m.end() - m.start() - MAX_RUN
        mapping.ends.append(m.end())
        mapping.keeps.append(m.start() + MAX_RUN)
        mapping.shifts.append(shift)
    if not mapping.ends:
        return text, mapping
    return _RUN.sub(lambda m: m.group(1) * MAX_RUN, text), mapping


def _split_long(text: str) -> tuple[str, OffsetMap]:
    mapping = OffsetMap()
    for n, m in enumerate(_LONG.finditer(text), start=1):
        mapping.ends.append(m.end())
        mapping.keeps.append(m.end())
        mapping.shifts.append(n)
    if not mapping.ends:
        return text, mapping
    return _LONG.sub(lambda m: m.group() + " ", text), mapping


def bound_text(text: str) -> tuple[str, Callable[[int], int]]:
    """The text with runs squashed and long space-free stretches split; and the map of offsets into it."""
    squashed, first = _squash_runs(text)
    bounded, second = _split_long(squashed)
    return bounded, lambda offset: second(first(offset))
