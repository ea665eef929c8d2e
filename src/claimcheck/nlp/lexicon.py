"""Word forms from spaCy's lookup tables (spacy-lookups-data), used to expand a rule's words into their
inflections when a pack is compiled. Expanding once beats running a lemmatizer on every token, and
the tables' odd entries ("para" -> "parir") cannot hurt: they only add forms to words a rule names."""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from importlib import resources

from claimcheck.textnorm import fold

MIN_EXPAND_LEN = 3  # short words ("no", "a", "as") are left literal: their table entries are noise


@lru_cache(maxsize=4)
def _lemma_table(lang: str) -> dict[str, str]:
    try:
        data = resources.files("spacy_lookups_data").joinpath("data", f"{lang}_lemma_lookup.json.gz").read_bytes()
    except (FileNotFoundError, ModuleNotFoundError):
        return {}
    table: dict[str, str] = json.loads(gzip.decompress(data))
    return table


def word_forms(lang: str, words: set[str]) -> dict[str, frozenset[str]]:
    """Map each (folded) word to the folded forms that share its lemma, itself included."""
    table = _lemma_table(lang)
    expandable = {w for w in words if len(w) >= MIN_EXPAND_LEN}
    # A word may be written as a lemma ("cure") or as a form ("cures"): collect the lemmas of both.
    lemma_of = {w: {w} | ({fold(table[w])} if w in table else set()) for w in expandable}
    wanted = set().union(*lemma_of.values()) if lemma_of else set()
    forms_of_lemma: dict[str, set[str]] = {lemma: {lemma} for lemma in wanted}
    for form, lemma in table.items():
        key = lemma.lower() if lemma.isascii() else fold(lemma)
        if key in wanted:
            forms_of_lemma[key].add(form.lower() if form.isascii() else fold(form))
    result: dict[str, frozenset[str]] = {}
    for word in words:
        if word not in expandable:
            result[word] = frozenset({word})
            continue
        forms = {word}
        for lemma in lemma_of[word]:
            forms |= {fold(f) for f in forms_of_lemma.get(lemma, ())}
        result[word] = frozenset(forms)
    return result
