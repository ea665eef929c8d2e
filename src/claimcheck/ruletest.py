"""Run the examples embedded in the packs: a rule is not done until its tests sit beside it (Semgrep).

A `flag` example passes when the rule finds an asserted claim in it; an `ok` example passes when the
rule finds nothing asserted (no match, or a match the context marks as negated, cautionary, ...).
A context example passes when its [bracketed] target gets the expected context.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimcheck.checker import Checker
from claimcheck.nlp.context import ContextDetector
from claimcheck.nlp.extensions import register
from claimcheck.nlp.sentences import TEXT_KEY
from claimcheck.rules.model import ContextExample, ContextRule, Rule


@dataclass(frozen=True)
class ExampleResult:
    rule: str
    kind: str  # "flag", "ok" or "context"
    text: str
    passed: bool
    got: str  # what happened, for the failure table


def run_examples(checker: Checker, only: str | None = None) -> list[ExampleResult]:
    results: list[ExampleResult] = []
    for rule in checker.ruleset.rules:
        if only is None or rule.id.startswith(only):
            results += _rule_results(checker, rule)
    for cue in checker.ruleset.context_rules:
        if only is None or cue.id.startswith(only):
            results += [_context_result(checker, cue, ex) for ex in cue.examples]
    return results


def _rule_results(checker: Checker, rule: Rule) -> list[ExampleResult]:
    out = []
    for kind, examples in (("flag", rule.examples_flag), ("ok", rule.examples_ok)):
        for text in examples:
            mine = [f for f in checker.check_text(text, lang=rule.lang).findings if f.rule == rule.id]
            asserted = [f for f in mine if f.asserted]
            passed = bool(asserted) if kind == "flag" else not asserted
            if asserted:
                got = "asserted: " + "; ".join(f.text for f in asserted)
            elif mine:
                got = "; ".join(f"{f.context} ({f.cue}): {f.text}" for f in mine)
            else:
                got = "no match"
            out.append(ExampleResult(rule.id, kind, text, passed, got))
    return out


def _context_result(checker: Checker, cue: ContextRule, example: ContextExample) -> ExampleResult:
    register()
    nlp = checker.pipeline(cue.lang)
    start = example.text.index("[")
    end = example.text.index("]") - 1
    text = example.text.replace("[", "", 1).replace("]", "", 1)
    doc = nlp.make_doc(text)
    target = doc.char_span(start, end, label="example", alignment_mode="expand")
    if target is None:
        return ExampleResult(cue.id, "context", example.text, False, "target does not align with tokens")
    detector: ContextDetector = nlp.get_pipe("claimcheck_context")  # type: ignore[assignment]
    doc.user_data[TEXT_KEY] = text
    context, found = detector.context_of(target)
    got = f"{context}" + (f" ({found})" if found else "")
    return ExampleResult(cue.id, "context", example.text, context == example.expect, got)
