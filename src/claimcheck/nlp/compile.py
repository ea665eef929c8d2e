"""Compile MatchSpecs (phrases, inflected terms, token patterns) into spaCy matchers."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.attrs import NORM
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from claimcheck.errors import RuleError
from claimcheck.nlp.lexicon import word_forms
from claimcheck.rules.model import ContextRule, MatchSpec, Origin, Rule, RuleSet
from claimcheck.textnorm import fold

MAX_TERM_VARIANTS = 4000
# Words too frequent to be a good anchor for a token pattern: punctuation, function words, and the
# vocabulary every stem-cell page uses. A pattern is indexed under its required word with fewest of these.
_COMMON = frozenset(
    ", . : ; - ' \" ( ) / & ! ? the a an and or of to in for with on at by is are be it this that no not zero without "
    "over than de la el los las un una en y o que se con sin por para es son mas cada muy su sus al del lo le "
    "cells cell stem treatment treatments therapy patients patient results recovery celulas celula madre "
    "tratamiento terapia pacientes paciente resultados resultado recuperacion".split()
)
_STRING_ATTRS = {"NORM", "LOWER", "ORTH", "TEXT"}


@dataclass
class PatternGroup:
    """One token pattern with its own Matcher, run only in windows around its anchor words."""

    matcher: Matcher
    reach: int | None  # longest match in tokens; None when a "+"/"*" makes it unbounded


class SpecCompiler:
    """Adds MatchSpecs to one PhraseMatcher (on NORM, i.e. folded text) and to token-pattern Matchers.

    Token patterns are the slow part of a spaCy pipeline. Each pattern gets its own Matcher, keyed in
    `anchors` under its rarest required word: text is scanned by the PhraseMatcher (hash look-ups), and
    a pattern's Matcher only looks at a few tokens around its own anchors.
    """

    def __init__(
        self, vocab: Vocab, lang: str, make_doc: Callable[[str], Doc], *, expand: bool = True
    ) -> None:
        self.vocab, self.lang, self.make_doc = vocab, lang, make_doc
        self.expand = expand  # False: check patterns only, without loading the lemma tables
        self.phrases = PhraseMatcher(vocab, attr="NORM")
        self.patterns = Matcher(vocab, validate=True)  # all patterns together, for sentence-sized scopes
        self.anchors = PhraseMatcher(vocab, attr="NORM")  # key "g<index>" -> groups[index]
        self.groups: list[PatternGroup] = []
        self.unanchored: list[PatternGroup] = []  # no literal word at all: run on the whole text

    def add(self, key: str, spec: MatchSpec, origin: Origin, rule_id: str) -> None:
        # Phrases keep the tokenizer (its special cases may set a token's NORM); inflected terms and anchor
        # words are plain word sequences, added as NORM ids (see _norm_id).
        phrase_keys: list[Doc | tuple[int, ...]] = [self.make_doc(p) for p in spec.phrases]
        phrase_keys += self._term_keys(spec.terms, origin, rule_id)
        if phrase_keys:
            _add_phrases(self.phrases, key, phrase_keys)
        for pattern in spec.patterns:
            compiled = [self._token(t, origin, rule_id) for t in pattern]
            try:
                self.patterns.add(key, [compiled])
                group = PatternGroup(Matcher(self.vocab), _reach(compiled))
                group.matcher.add(key, [compiled])
            except Exception as exc:  # spaCy raises several types for a malformed pattern
                first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise RuleError(
                    origin.path, origin.line, rule_id, f"bad token pattern: {first_line}"
                ) from None
            anchor = _anchor_words(compiled)
            if anchor is None:
                self.unanchored.append(group)
            else:
                _add_phrases(self.anchors, f"g{len(self.groups)}", [(self._norm_id(w),) for w in anchor])
                self.groups.append(group)

    def _norm(self, word: str) -> str:
        """A literal's NORM as the tokenizer gives it: folded, and with spaCy's own norms ("—" is "-")."""
        if not self.expand:  # validation only: no real tokenizer behind make_doc
            return fold(word)
        doc = self.make_doc(word)
        return doc[0].norm_ if len(doc) == 1 and doc[0].norm_ else fold(word)

    def _norm_id(self, word: str) -> int:
        """The NORM id that Doc(vocab, words=[word]) would give the word, without building that Doc.

        PhraseMatcher.add takes a pattern as a Doc or as the sequence of its attribute ids (the form spaCy
        itself uses to unpickle a matcher). A Doc per pattern, and a lexeme per word form, made compiling
        the packs cost about a second per language. A word without a lexeme yet gets the NORM a new
        lexeme would get (the vocabulary's NORM getter); one with a lexeme keeps that lexeme's.
        """
        norm_of = self.vocab.lex_attr_getters.get(NORM)  # type: ignore[attr-defined]  # not in the stubs
        if norm_of is None or word in self.vocab:
            return int(self.vocab[word].norm)
        return int(self.vocab.strings.add(norm_of(word)))

    def _term_keys(self, terms: Iterable[str], origin: Origin, rule_id: str) -> list[tuple[int, ...]]:
        """Each term expanded to every combination of its words' forms, as NORM id sequences."""
        keys: list[tuple[int, ...]] = []
        for term in terms:
            words = [t.norm_ for t in self.make_doc(term)]
            forms = word_forms(self.lang, set(words))
            alternatives = [sorted(forms[w]) for w in words]
            count = 1
            for alt in alternatives:
                count *= len(alt)
            if count > MAX_TERM_VARIANTS:
                raise RuleError(
                    origin.path, origin.line, rule_id, f"term {term!r} expands to {count} variants"
                )
            ids = [[self._norm_id(form) for form in alt] for alt in alternatives]
            keys += itertools.product(*ids)
        return keys

    def _token(self, token: dict[str, Any], origin: Origin, rule_id: str) -> dict[str, Any]:
        """Fold literal strings; turn LEMMA into NORM over the lemma's word forms (no lemmatizer needed)."""
        out: dict[str, Any] = {}
        for attr, value in token.items():
            if not isinstance(attr, str) or attr == "_":
                # "_" (custom attributes) would only fail at match time, in the middle of a batch.
                raise RuleError(origin.path, origin.line, rule_id, f"token attribute {attr!r} is not allowed")
            name = attr.upper()
            if name == "LEMMA":
                lemmas = {fold(v) for v in _strings(value, origin, rule_id)}
                forms = word_forms(self.lang, lemmas) if self.expand else {w: frozenset({w}) for w in lemmas}
                out["NORM"] = {"IN": sorted(set().union(*forms.values()))}
            elif name in _STRING_ATTRS and isinstance(value, dict) and "REGEX" in value:
                out["NORM"] = value  # a regular expression over the folded word
            elif name in _STRING_ATTRS and isinstance(value, dict) and list(value) == ["NOT_IN"]:
                words = _strings({"IN": value["NOT_IN"]}, origin, rule_id)
                out["NORM"] = {"NOT_IN": [self._norm(s) for s in words]}
            elif name in _STRING_ATTRS:  # all literal words compare as NORM, whatever attribute was named
                strings = [self._norm(s) for s in _strings(value, origin, rule_id)]
                out["NORM"] = strings[0] if isinstance(value, str) else {"IN": strings}
            else:
                out[attr] = value
        return out


def _add_phrases(matcher: PhraseMatcher, key: str, patterns: Sequence[Doc | tuple[int, ...]]) -> None:
    # spaCy's stubs name Docs only; PhraseMatcher.add also takes attribute-id sequences (see _norm_id).
    matcher.add(key, list(patterns))  # type: ignore[arg-type]


def _reach(pattern: list[dict[str, Any]]) -> int | None:
    length = 0
    for token in pattern:
        op = str(token.get("OP", "1"))
        bound = re.fullmatch(r"\{(\d*),?(\d*)\}", op)
        if op in ("+", "*") or (bound and op.endswith(",}")):
            return None
        length += int(bound.group(2) or bound.group(1) or 1) if bound else 1
    return length


def _anchor_words(pattern: list[dict[str, Any]]) -> list[str] | None:
    """The pattern's rarest required literal token (fewest common words, then fewest words)."""
    candidates: list[list[str]] = []
    for token in pattern:
        value = token.get("NORM")
        if token.get("OP") not in (None, "+", "{1,}") or value is None:
            continue
        words = [value] if isinstance(value, str) else value.get("IN", []) if isinstance(value, dict) else []
        if words:
            candidates.append(words)
    if not candidates:
        return None
    return min(candidates, key=lambda words: (sum(w in _COMMON for w in words), len(words)))


def _strings(value: Any, origin: Origin, rule_id: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    words = value.get("IN") if isinstance(value, dict) and len(value) == 1 else None
    if isinstance(words, list) and all(isinstance(v, str) for v in words):
        return list(words)
    raise RuleError(
        origin.path,
        origin.line,
        rule_id,
        f"a word attribute takes a string, {{IN: [...]}} or {{NOT_IN: [...]}}, got {value!r}",
    )


def validate_patterns(ruleset: RuleSet) -> None:
    """Compile every token pattern once, cheaply, so a bad pattern fails before any text is read."""
    vocab = Vocab()
    items: list[Rule | ContextRule] = [*ruleset.rules, *ruleset.context_rules]
    for item in items:
        compiler = SpecCompiler(vocab, item.lang, lambda text: Doc(vocab, words=text.split()), expand=False)
        specs = [item.match]
        if isinstance(item, Rule):
            specs += [s for s in (item.near, item.unless) if s is not None]
        for spec in specs:
            compiler.add(item.id, MatchSpec(patterns=spec.patterns), item.origin, item.id)
