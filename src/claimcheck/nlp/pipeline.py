"""Build the blank spaCy pipeline for one language: no model download, rules compiled in."""

from __future__ import annotations

from collections.abc import Iterable

import spacy
from spacy.attrs import IDS, LANG, NORM
from spacy.language import Language

# Importing registers the factories.
from claimcheck.nlp import context as _context  # noqa: F401
from claimcheck.nlp import matcher as _matcher  # noqa: F401
from claimcheck.nlp.context import ContextDetector
from claimcheck.nlp.lexicon import save_form_caches
from claimcheck.nlp.matcher import ClaimMatcher
from claimcheck.rules.model import ContextRule, MatchSpec, Rule, RuleSet
from claimcheck.textnorm import fold


def blank(lang: str) -> Language:
    """spacy.blank(lang) whose NORM is folded text, so matching ignores case and accents.

    The getter must be set before any text is processed: lexemes cache their NORM on creation.
    """
    nlp = spacy.blank(lang)
    nlp.vocab.lex_attr_getters[NORM] = fold  # type: ignore[attr-defined]  # not in spaCy's stubs
    return nlp


def build_pipeline(lang: str, ruleset: RuleSet) -> Language:
    rules, cues = ruleset.for_lang(lang)
    nlp = blank(lang)
    keep_lexeme_attributes(nlp, pattern_attributes([*rules, *cues]))
    matcher: ClaimMatcher = nlp.add_pipe("claimcheck_matcher")  # type: ignore[assignment]
    matcher.add_rules(rules)
    context: ContextDetector = nlp.add_pipe("claimcheck_context")  # type: ignore[assignment]
    context.add_rules(cues)
    save_form_caches()
    return nlp


def pattern_attributes(items: Iterable[Rule | ContextRule]) -> set[str]:
    """The token attributes the rules' token patterns test (upper case: "LIKE_NUM", "SHAPE", ...)."""
    specs: list[MatchSpec] = []
    for item in items:
        specs.append(item.match)
        if isinstance(item, Rule):
            specs += [s for s in (item.near, item.unless) if s is not None]
    return {
        str(attr).upper()
        for spec in specs
        for pattern in spec.patterns
        for token in pattern
        for attr in token
    }


def keep_lexeme_attributes(nlp: Language, names: set[str]) -> None:
    """Compute only the lexeme attributes something reads: NORM (all matching), LANG (Doc.lang_) and those
    the token patterns test.

    spaCy computes ~23 attributes in Python for every new word (shape, URL-likeness, stop word, ...); on
    web text, where ids and tracking codes make most pages bring hundreds of new words, that was a quarter
    of checking time. The other attributes stay unset (False/empty) on words first seen after this: no
    code of ours reads them (findings come from the matchers, features from the text). Call before any
    text is processed, like blank()'s NORM getter.
    """
    getters = nlp.vocab.lex_attr_getters  # type: ignore[attr-defined]  # not in spaCy's stubs
    wanted = {NORM, LANG} | {IDS[name] for name in names if name in IDS}
    for attr in [a for a in getters if a not in wanted]:
        del getters[attr]
