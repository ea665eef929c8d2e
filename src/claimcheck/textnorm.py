"""Text folding shared by rule compilation and the pipeline.

Clinics write "células madre", "celulas madres" and "CÉLULAS MADRE" for the same thing, so every
comparison happens on a folded form: lower case, accents stripped, typographic quotes made plain.
"""

from __future__ import annotations

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
