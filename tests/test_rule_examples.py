"""Each embedded example in the packs is its own test case (the examples are the rules' tests)."""

from __future__ import annotations

import pytest

from claimcheck import Checker
from claimcheck.ruletest import run_examples

_CHECKER = Checker(model=None)  # the rules as written; the model has its own tests
_RESULTS = run_examples(_CHECKER)


@pytest.mark.parametrize("result", _RESULTS, ids=[f"{r.rule}:{r.kind}:{r.text[:40]}" for r in _RESULTS])
def test_example(result) -> None:
    assert result.passed, f"{result.rule} {result.kind} example {result.text!r}: got {result.got}"


def test_examples_exist_for_every_rule_and_cue() -> None:
    tested = {r.rule for r in _RESULTS}
    assert {r.id for r in _CHECKER.ruleset.rules} <= tested
    assert {c.id for c in _CHECKER.ruleset.context_rules} <= tested
