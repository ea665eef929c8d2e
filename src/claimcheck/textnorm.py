"""Text folding shared by rule compilation and the pipeline.

Clinics write "células madre", "celulas madres" and "CÉLULAS MADRE" for the same thing, so every
comparison happens on a folded form: lower case, accents stripped, typographic quotes made plain.
"""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({"’": "'", "‘": "'", "´": "'", "`": "'", "“": '"', "”": '"', "«": '"', "»": '"'})
# The common accented letters, folded by table (C speed); anything rarer goes through Unicode decomposition.
_ACCENTED = "áàâäãåāéèêëēíìîïīóòôöõøōúùûüūñńçćýÿ"
_PLAIN = "aaaaaaaeeeeeiiiiiooooooouuuuunnccyy"
_FAST = str.maketrans(_ACCENTED, _PLAIN)


def fold(text: str) -> str:
    """Lower-case, strip accents and normalise quotes ("Células" -> "celulas")."""
    lowered = text.translate(_QUOTES).lower()
    if lowered.isascii():
        return lowered
    fast = lowered.translate(_FAST)
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
