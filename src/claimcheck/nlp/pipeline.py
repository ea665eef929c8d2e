"""Build the blank spaCy pipeline for one language: no model download, rules compiled in."""

from __future__ import annotations

import spacy
from spacy.attrs import NORM
from spacy.language import Language

# Importing registers the factories.
from claimcheck.nlp import context as _context  # noqa: F401
from claimcheck.nlp import matcher as _matcher  # noqa: F401
from claimcheck.nlp.context import ContextDetector
from claimcheck.nlp.lexicon import save_form_caches
from claimcheck.nlp.matcher import ClaimMatcher
from claimcheck.rules.model import RuleSet
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
    matcher: ClaimMatcher = nlp.add_pipe("claimcheck_matcher")  # type: ignore[assignment]
    matcher.add_rules(rules)
    context: ContextDetector = nlp.add_pipe("claimcheck_context")  # type: ignore[assignment]
    context.add_rules(cues)
    save_form_caches()
    return nlp
