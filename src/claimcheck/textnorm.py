"""Text folding shared by rule compilation and the pipeline.

Clinics write "células madre", "celulas madres" and "CÉLULAS MADRE" for the same thing, so every
comparison happens on a folded form: lower case, accents stripped, typographic quotes made plain.
"""

from __future__ import annotations

import unicodedata

_QUOTES = str.maketrans({"’": "'", "‘": "'", "´": "'", "`": "'", "“": '"', "”": '"', "«": '"', "»": '"'})


def fold(text: str) -> str:
    """Lower-case, strip combining accents and normalise quotes ("Células" -> "celulas")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_QUOTES).lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
