"""Plain data for claim rules and context cues, as read from the YAML packs."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

CATEGORIES: tuple[str, ...] = (
    "cure_all",
    "oral_product",
    "unverified_product",
    "overseas_iv",
    "risk_free",
    "testimonial_evidence",
    "regulatory_misrep",
    "risky_route",
    "pressure_pricing",
)
CONTEXTS: tuple[str, ...] = ("asserted", "negated", "cautionary", "question", "hypothetical", "attributed")
SEVERITIES: dict[str, int] = {"low": 1, "medium": 2, "high": 3}
LANGS: tuple[str, ...] = ("en", "es")
SCOPES: tuple[str, ...] = ("sentence", "block")

# Cue kinds a context rule may have: the five non-asserted contexts, plus "pseudo" (looks like a cue
# but is not one, e.g. "no side effects" which *is* a risk_free claim) and "terminate" (ends a cue's
# scope, e.g. "but", "sin embargo").
# "voice" marks the seller speaking ("we", "our", "you"): it keeps block-wide cues away from that sentence.
CUE_KINDS: tuple[str, ...] = (
    "negated",
    "cautionary",
    "question",
    "hypothetical",
    "attributed",
    "pseudo",
    "terminate",
    "voice",
)
DIRECTIONS: tuple[str, ...] = ("forward", "backward", "both")


@dataclass(frozen=True)
class Origin:
    """Where a rule was written, for error messages and `rules show`."""

    path: str
    line: int


@dataclass
class MatchSpec:
    """What to look for. Every form is case- and accent-insensitive.

    phrases:  literal word sequences ("stem cell pills").
    terms:    word sequences whose words also match their inflections ("cure autism" finds "cured autism").
    patterns: spaCy Matcher token patterns; a LEMMA key is expanded to the lemma's word forms.
    """

    phrases: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    patterns: list[list[dict[str, Any]]] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.phrases or self.terms or self.patterns)

    def as_data(self) -> dict[str, Any]:
        return {"phrases": self.phrases, "terms": self.terms, "patterns": self.patterns}


@dataclass
class Rule:
    """One red-flag claim rule: a match, optional conditions, and the examples that test it."""

    id: str
    category: str
    severity: str
    lang: str
    message: str
    reference: str
    match: MatchSpec
    origin: Origin
    near: MatchSpec | None = None
    unless: MatchSpec | None = None
    min_distinct: int = 1
    scope: str = "sentence"  # or "block": a paragraph, or a heading with its list
    examples_flag: list[str] = field(default_factory=list)
    examples_ok: list[str] = field(default_factory=list)

    def as_data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "category": self.category,
            "severity": self.severity,
            "lang": self.lang,
            "message": self.message,
            "reference": self.reference,
            "match": self.match.as_data(),
            "near": self.near.as_data() if self.near else None,
            "unless": self.unless.as_data() if self.unless else None,
            "min_distinct": self.min_distinct,
            "scope": self.scope,
            "examples": {"flag": self.examples_flag, "ok": self.examples_ok},
        }


@dataclass(frozen=True)
class ContextExample:
    """A sentence with its target in [brackets] and the context the target must get."""

    text: str
    expect: str


@dataclass
class ContextRule:
    """A cue that changes what a nearby finding means (ConText-style)."""

    id: str
    kind: str
    lang: str
    match: MatchSpec
    origin: Origin
    direction: str = "both"
    window: int = 8
    # "window": findings within `window` tokens; "block": every finding in the block, unless its sentence is
    # in the seller's voice; "quote": every finding inside a quotation of the sentence, the cue outside it.
    reach: str = "window"
    # True: the cue does not apply in a sentence where the seller speaks ("we", "our"): "Todo indica que
    # nuestras células..." is the clinic's own claim, "El informe indica que..." a report.
    seller_guard: bool = False
    skip_categories: list[str] = field(default_factory=list)
    examples: list[ContextExample] = field(default_factory=list)

    def as_data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "lang": self.lang,
            "match": self.match.as_data(),
            "direction": self.direction,
            "window": self.window,
            "reach": self.reach,
            "seller_guard": self.seller_guard,
            "skip_categories": self.skip_categories,
            "examples": [{"text": e.text, "expect": e.expect} for e in self.examples],
        }


@dataclass
class RuleSet:
    """Every loaded claim rule and context cue, with a digest that identifies the exact rule text."""

    rules: list[Rule]
    context_rules: list[ContextRule]
    sources: list[str]

    @property
    def digest(self) -> str:
        payload = json.dumps(
            [r.as_data() for r in self.rules] + [c.as_data() for c in self.context_rules],
            sort_keys=True,
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]

    def get(self, rule_id: str) -> Rule | ContextRule | None:
        index = self.__dict__.get("_index")
        if index is None or len(index) != len(self.rules) + len(self.context_rules):
            items: list[Rule | ContextRule] = [*self.rules, *self.context_rules]
            index = self.__dict__["_index"] = {item.id: item for item in items}
        return index.get(rule_id)

    def for_lang(self, lang: str) -> tuple[list[Rule], list[ContextRule]]:
        return (
            [r for r in self.rules if r.lang == lang],
            [c for c in self.context_rules if c.lang == lang],
        )

    @property
    def langs(self) -> list[str]:
        return sorted({r.lang for r in self.rules} | {c.lang for c in self.context_rules})
