"""User REGEX values that can backtrack catastrophically are refused at load time (issue 8, point 3)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claimcheck import Checker
from claimcheck.errors import RuleError
from claimcheck.rules import load_rules
from claimcheck.rules.regexcheck import regex_problem
from tests.test_bounds import guard

PACK = """\
pack: regex-test
lang: en
rules:
  - id: cure_all.test.regex
    category: cure_all
    severity: high
    message: "A test rule."
    reference: https://www.fda.gov/
    patterns:
      - [{{NORM: wonder}}, {{NORM: {{REGEX: {regex}}}}}]
    examples:
      flag: ["Drink our wonder juice.", "Wonder juices for all."]
      ok: ["Water is fine."]
"""


def pack(tmp_path: Path, regex: str) -> Path:
    path = tmp_path / "pack.yaml"
    path.write_text(PACK.format(regex=json.dumps(regex)), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "regex",
    [
        "^(a+)+$",  # the reported pack: 53 bytes of input ran past 90 s
        "(a*)*",
        "(a|a)*",
        "(a|aa)+b",
        "(a|ab)*c",
        "(\\w+\\s?)+$",
        "(.*)*x",
        "((a|b)|a)+",
        "(a{1,3})+$",
        "a*a*a*b",  # polynomial: n**4 on a token of n characters
    ],
)
def test_catastrophic_regexes_are_refused_with_file_line_and_rule(tmp_path: Path, regex: str) -> None:
    path = pack(tmp_path, regex)
    with pytest.raises(RuleError) as info:
        load_rules([path], include_default=False)
    error = info.value
    assert error.path == str(path) and error.line == 10 and error.rule_id == "cure_all.test.regex"
    assert "backtrack catastrophically" in str(error) and str(error).startswith(
        f"{path}:10: rule cure_all.test.regex:"
    )


def test_an_invalid_regex_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match=r"pack.yaml:10: rule cure_all.test.regex: invalid REGEX"):
        load_rules([pack(tmp_path, "juice(")], include_default=False)


def test_the_cli_refuses_the_pack_in_one_line(tmp_path: Path, cli) -> None:
    text = tmp_path / "page.txt"
    text.write_text("wonder aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", encoding="utf-8")
    result = cli("check", str(text), "--rules", str(pack(tmp_path, "^(a+)+$")))
    assert result.exit_code == 2
    assert "backtrack catastrophically" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    "regex",
    [
        "^juices?$",
        "^jui(ce|ces|cy)$",
        "(ab|cd)+",
        "^\\d+(\\.\\d+)?%$",
        "^[a-z]+-[a-z]+$",
        "^(?:ab){3}$",
        "[xy\\w]+",
    ],
)
def test_ordinary_regexes_load(regex: str) -> None:
    assert regex_problem(regex) is None


def test_a_safe_regex_still_matches(tmp_path: Path) -> None:
    checker = Checker(
        ruleset=load_rules([pack(tmp_path, "^jui(ce|ces)$")], include_default=False), model=None
    )
    report = checker.check_text("Drink our wonder juices.", lang="en")
    assert [f.text for f in report.findings if f.rule == "cure_all.test.regex"] == ["wonder juices"]


def test_an_allowed_regex_runs_on_bounded_tokens(tmp_path: Path) -> None:
    """Two open-ended quantifiers are allowed: their cost is bounded by the token length (MAX_TOKEN)."""
    checker = Checker(ruleset=load_rules([pack(tmp_path, "a*a*b")], include_default=False), model=None)
    with guard():
        report = checker.check_text(("wonder " + "a" * 2_000 + " ") * 50, lang="en")
    assert not [f for f in report.findings if f.rule == "cure_all.test.regex"]


def _regexes(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [v["REGEX"] for v in value.values() if isinstance(v, dict) and "REGEX" in v]
    return []


def test_every_shipped_regex_passes_the_check() -> None:
    ruleset = load_rules()
    specs = [r.match for r in ruleset.rules] + [c.match for c in ruleset.context_rules]
    specs += [s for r in ruleset.rules for s in (r.near, r.unless) if s is not None]
    for spec in specs:
        for token in (t for p in spec.patterns for t in p):
            for regex in _regexes(token):
                assert regex_problem(regex) is None, regex
