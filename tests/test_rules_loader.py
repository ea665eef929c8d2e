"""Pack validation: every problem is one RuleError naming file, line and rule id."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimcheck import Checker
from claimcheck.errors import RuleError
from claimcheck.rules import CATEGORIES, load_rules

GOOD_RULE = """\
pack: test
lang: en
rules:
  - id: cure_all.test.example
    category: cure_all
    severity: high
    message: "A test rule."
    reference: https://www.fda.gov/
    phrases: [wonder juice]
    examples:
      flag: ["Drink our wonder juice.", "Wonder juice for all."]
      ok: ["Water is fine."]
"""


def write(tmp_path: Path, text: str, name: str = "pack.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str) -> RuleError:
    path = write(tmp_path, text)
    with pytest.raises(RuleError) as info:
        Checker(rules=[path])
    return info.value


def test_shipped_packs_cover_every_category_in_both_languages() -> None:
    ruleset = load_rules()
    for lang in ("en", "es"):
        covered = {r.category for r in ruleset.rules if r.lang == lang}
        assert covered == set(CATEGORIES), f"{lang} lacks {set(CATEGORIES) - covered}"
        assert any(c.lang == lang for c in ruleset.context_rules)


def test_every_rule_has_its_examples() -> None:
    for rule in load_rules().rules:
        assert len(rule.examples_flag) >= 2 and len(rule.examples_ok) >= 1, rule.id


def test_user_pack_adds_rules(tmp_path: Path) -> None:
    checker = Checker(rules=[write(tmp_path, GOOD_RULE)], model=None)
    report = checker.check_text("Try our Wonder Juice today.", lang="en")
    assert [f.rule for f in report.findings] == ["cure_all.test.example"]


def test_a_token_can_exclude_words_with_not_in(tmp_path: Path) -> None:
    pack = GOOD_RULE.replace(
        "    phrases: [wonder juice]",
        '    patterns:\n      - [{LOWER: saw}, {LOWER: {NOT_IN: ["no", little]}, OP: "?"}, {LOWER: change}]',
    ).replace(
        'flag: ["Drink our wonder juice.", "Wonder juice for all."]',
        'flag: ["We saw change.", "I saw real change."]',
    )
    checker = Checker(rules=[write(tmp_path, pack)], model=None)

    def fired(text: str) -> bool:
        return any(f.rule == "cure_all.test.example" for f in checker.check_text(text, lang="en").findings)

    assert fired("Patients saw real change.") and fired("Patients saw change.")
    assert not fired("Patients saw little change.") and not fired("Patients saw NO change.")


def test_folder_of_packs_is_read(tmp_path: Path) -> None:
    write(tmp_path, GOOD_RULE, "one.yml")
    assert Checker(rules=[tmp_path], model=None).ruleset.get("cure_all.test.example") is not None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("category: cure_all", "category: cures"), "unknown category 'cures'"),
        (("severity: high", "severity: extreme"), "'severity' must be one of"),
        (
            ("    phrases: [wonder juice]\n", "    phrases: [wonder juice]\n    colour: red\n"),
            "unknown key 'colour'",
        ),
        (("reference: https://www.fda.gov/", "reference: the FDA"), "'reference' must be the URL"),
        (('      ok: ["Water is fine."]\n', ""), "needs at least 2 'flag' and 1 'ok' examples"),
        (("phrases: [wonder juice]", "phrases: [wonder, no]"), "YAML boolean"),
        (("id: cure_all.test.example", "id: Bad Id"), "'id' must be dotted lower-case"),
        (("phrases: [wonder juice]", "patterns: [[{SHAPE_OF: x}]]"), "bad token pattern"),
        (("phrases: [wonder juice]", "patterns: [[{_: {foo: 1}}]]"), "token attribute '_' is not allowed"),
        (("phrases: [wonder juice]", "patterns: [[{1: juice}]]"), "token attribute 1 is not allowed"),
        (
            ("    phrases: [wonder juice]\n", "    phrases: [wonder juice]\n    min_distinct: yes\n"),
            "'min_distinct' must be",
        ),
    ],
)
def test_invalid_rules_name_file_line_and_rule(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    text = GOOD_RULE.replace(*change)
    assert text != GOOD_RULE
    error = load_error(tmp_path, text)
    assert expected in str(error)
    assert str(error).startswith(str(tmp_path / "pack.yaml") + ":")
    if "'id'" not in expected:
        assert "cure_all.test.example" in str(error)
        assert error.line is not None and error.line >= 4


def test_broken_yaml_reports_the_line(tmp_path: Path) -> None:
    error = load_error(tmp_path, GOOD_RULE.replace("    severity: high\n", "    severity: [high\n"))
    assert "invalid YAML" in str(error)
    assert error.line is not None and error.line >= 6


def test_duplicate_ids_across_files_are_errors(tmp_path: Path) -> None:
    write(tmp_path, GOOD_RULE, "a.yaml")
    write(tmp_path, GOOD_RULE, "b.yaml")
    with pytest.raises(RuleError, match="duplicate id"):
        Checker(rules=[tmp_path])


def test_duplicate_keys_are_errors(tmp_path: Path) -> None:
    error = load_error(
        tmp_path, GOOD_RULE.replace("    severity: high\n", "    severity: high\n    severity: low\n")
    )
    assert "duplicate key 'severity'" in str(error)


def test_missing_rules_path(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="no such rules file"):
        Checker(rules=[tmp_path / "nope.yaml"])


def test_context_examples_need_a_bracketed_target(tmp_path: Path) -> None:
    pack = """\
lang: en
cues:
  - id: context.test.cue
    kind: negated
    phrases: [nah]
    examples:
      - {text: "nah pills", expect: negated}
"""
    assert "[brackets]" in str(load_error(tmp_path, pack))


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [("reach", "page", "window, block or quote"), ("seller_guard", '"yes"', "true or false")],
)
def test_cue_reach_and_seller_guard_are_checked(tmp_path: Path, key: str, value: str, message: str) -> None:
    pack = f"""\
lang: en
cues:
  - id: context.test.cue
    kind: attributed
    {key}: {value}
    phrases: [nah]
"""
    assert message in str(load_error(tmp_path, pack))


def test_ruleset_digest_changes_with_rules(tmp_path: Path) -> None:
    base = load_rules().digest
    assert load_rules([write(tmp_path, GOOD_RULE)]).digest != base


def test_a_rules_folder_without_packs_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match=r"no \.yaml or \.yml pack files"):
        Checker(rules=[tmp_path])


def test_rules_test_with_an_unknown_prefix_fails(cli) -> None:
    result = cli("rules", "test", "--only", "nosuch.prefix")
    assert result.exit_code == 2 and "no rule or cue id starts with it" in result.stderr


def test_layers_below_nlp_do_not_import_spacy() -> None:
    import subprocess
    import sys

    layers = [
        "claimcheck.rules",
        "claimcheck.findings",
        "claimcheck.store",
        "claimcheck.sources.inputs",
        "claimcheck.render.html",
        "claimcheck.render.terminal",
        "claimcheck.render.progress",
        "claimcheck.render.csvout",
        "claimcheck.diff",
        "claimcheck.summary",
    ]
    for layer in layers:
        code = (
            f"import sys, {layer}; assert 'spacy' not in sys.modules and 'claimcheck.nlp' not in sys.modules"
        )
        assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0, layer
