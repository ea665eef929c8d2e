"""Rule packs: the data model and the YAML loader. Deliberately free of spaCy so it loads fast."""

from claimcheck.rules.loader import default_pattern_dir, load_rules
from claimcheck.rules.model import (
    CATEGORIES,
    CONTEXTS,
    SEVERITIES,
    ContextExample,
    ContextRule,
    MatchSpec,
    Rule,
    RuleSet,
)

__all__ = [
    "CATEGORIES",
    "CONTEXTS",
    "SEVERITIES",
    "ContextExample",
    "ContextRule",
    "MatchSpec",
    "Rule",
    "RuleSet",
    "default_pattern_dir",
    "load_rules",
]
