"""Compiling the packs skips building a Doc per term variant and computes fewer lexeme attributes: check
that the ids and attributes matching reads are what the slower way gave."""

from __future__ import annotations

from spacy.tokens import Doc

from claimcheck.nlp.compile import SpecCompiler
from claimcheck.nlp.lexicon import word_forms
from claimcheck.nlp.pipeline import blank, build_pipeline, pattern_attributes
from claimcheck.rules import load_rules


def test_norm_ids_are_what_a_doc_gives() -> None:
    ruleset = load_rules()
    for lang in ("en", "es"):
        nlp = blank(lang)
        compiler = SpecCompiler(nlp.vocab, lang, nlp.make_doc)
        words: set[str] = set()
        for rule in ruleset.for_lang(lang)[0]:
            for term in rule.match.terms:
                words |= {t.norm_ for t in nlp.make_doc(term)}
        forms = set().union(*word_forms(lang, words).values()) | {"'s", "n't", "-", "dr.", "’"}
        reference = blank(lang)  # a second vocabulary, so that building Docs cannot help the fast way
        for form in sorted(forms):
            assert compiler._norm_id(form) == Doc(reference.vocab, words=[form])[0].norm, form


def test_pattern_attributes_are_kept() -> None:
    ruleset = load_rules()
    for lang in ("en", "es"):
        rules, cues = ruleset.for_lang(lang)
        names = pattern_attributes([*rules, *cues])
        assert {"LIKE_NUM", "IS_ALPHA"} <= names
        nlp = build_pipeline(lang, ruleset)
        doc = nlp.make_doc("Zyxwv 200 Células.")
        assert [t.norm_ for t in doc] == ["zyxwv", "200", "celulas", "."]
        assert [t.like_num for t in doc] == [False, True, False, False]
        assert [t.is_alpha for t in doc] == [True, False, True, False]
        assert [t.is_title for t in doc] == [True, False, True, False]
        assert doc.lang_ == lang
