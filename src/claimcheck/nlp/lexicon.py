"""Word forms from spaCy's lookup tables (spacy-lookups-data), used to expand a rule's words into their
inflections when a pack is compiled. Expanding once beats running a lemmatizer on every token, and
the tables' odd entries ("para" -> "parir") cannot hurt much: they only add forms to words a rule names,
and short function words are never expanded."""

from __future__ import annotations

import gzip
import importlib.metadata
import json
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

from claimcheck.textnorm import fold

MIN_EXPAND_LEN = 3  # short words ("no", "a", "as") stay literal: their table entries are noise
GUESS_PLURAL_LEN = 4
CACHE_FORMAT = 1  # bump when forms_of() changes, so that old caches are ignored


class Lexicon:
    """Folded form -> lemmas, and folded lemma -> forms, for one language."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self.forms: dict[str, list[str]] = {}
        for form, lemma in table.items():
            bucket = self.forms.get(lemma)
            if bucket is None:
                self.forms[lemma] = [form]
            else:
                bucket.append(form)
        # Rule authors may write "celula" for "célula" and tables are case-sensitive: alias folded lemmas.
        # Most entries are plain lower-case ASCII and need no alias; fold() only runs on the others.
        self.lemma_alias: dict[str, list[str]] = {}
        for lemma in self.forms:
            if not (lemma.isascii() and lemma.islower()):
                self.lemma_alias.setdefault(fold(lemma), []).append(lemma)
        self.form_alias: dict[str, list[str]] = {}
        for form in table:
            if not (form.isascii() and form.islower()):
                self.form_alias.setdefault(fold(form), []).append(form)

    def lemmas_of(self, word: str) -> set[str]:
        """Raw table lemmas for a folded word, whether it is written as a lemma or as a form."""
        lemmas = {word, *self.lemma_alias.get(word, [])}
        for form in [word, *self.form_alias.get(word, [])]:
            if form in self.table:
                lemmas.add(self.table[form])
        return lemmas

    def forms_of(self, word: str) -> frozenset[str]:
        if len(word) < MIN_EXPAND_LEN:
            return frozenset({word})
        forms = {word}
        for lemma in self.lemmas_of(word):
            forms.add(fold(lemma))
            forms.update(fold(f) for f in self.forms.get(lemma, ()))
        if len(forms) == 1 and len(word) >= GUESS_PLURAL_LEN and word.isalpha():
            # Not in the table (brand-new words like "softgel", "exosoma"): guess the regular plural.
            forms |= {word + "s", word + "es"} if not word.endswith("s") else set()
        return frozenset(forms)


@lru_cache(maxsize=4)
def lexicon(lang: str) -> Lexicon:
    try:
        data = (
            resources.files("spacy_lookups_data")
            .joinpath("data")
            .joinpath(f"{lang}_lemma_lookup.json.gz")
            .read_bytes()
        )
    except (FileNotFoundError, ModuleNotFoundError):
        return Lexicon({})
    return Lexicon(json.loads(gzip.decompress(data)))


def word_forms(lang: str, words: set[str]) -> dict[str, frozenset[str]]:
    """Map each (folded) word to the folded forms that share its lemma, itself included.

    Answers come from a small on-disk cache when it has them, so that a process does not load and
    invert a 490,000-entry lemma table (about a second for Spanish) just to compile the same packs again.
    """
    cache = _form_cache(lang)
    result = {w: frozenset(cache[w]) for w in words if w in cache}
    missing = words - set(result)
    if missing:
        lex = lexicon(lang)
        for word in missing:
            forms = lex.forms_of(word)
            result[word] = forms
            cache[word] = sorted(forms)
        _dirty.add(lang)
    return result


# -- the on-disk cache of word forms -------------------------------------------------------------------
_caches: dict[str, dict[str, list[str]]] = {}
_dirty: set[str] = set()


def cache_dir() -> Path | None:
    """$CLAIMCHECK_CACHE_DIR, else $XDG_CACHE_HOME/claimcheck, else ~/.cache/claimcheck; "" disables it."""
    configured = os.environ.get("CLAIMCHECK_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "claimcheck"


def _cache_file(lang: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    try:
        version = importlib.metadata.version("spacy-lookups-data")
    except importlib.metadata.PackageNotFoundError:
        version = "none"
    return folder / f"word-forms-{lang}-{version}-v{CACHE_FORMAT}.json"


def _form_cache(lang: str) -> dict[str, list[str]]:
    if lang not in _caches:
        path = _cache_file(lang)
        data: dict[str, list[str]] = {}
        if path is not None and path.is_file():
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(loaded, dict):
                    data = loaded
            except (OSError, ValueError):
                data = {}  # a damaged cache is rebuilt
        _caches[lang] = data
    return _caches[lang]


def save_form_caches() -> None:
    """Write what compiling added; a cache that cannot be written only costs speed."""
    for lang in sorted(_dirty):
        path = _cache_file(lang)
        if path is None:
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(
                json.dumps(_caches[lang], ensure_ascii=False, sort_keys=True), encoding="utf-8"
            )
            os.replace(temporary, path)
        except OSError:
            pass
    _dirty.clear()
