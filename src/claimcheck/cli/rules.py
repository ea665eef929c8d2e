"""`claimcheck rules list|show|test`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from claimcheck.checker import Checker
from claimcheck.cli.app import rules_app
from claimcheck.cli.common import (
    RulesOption,
    stdout_console,
    user_errors,
)
from claimcheck.errors import ClaimcheckError
from claimcheck.render.terminal import safe


@rules_app.command("list")
def rules_list(rules: RulesOption = None) -> None:
    """List every rule with its category, severity and language."""
    with user_errors():
        ruleset = Checker(rules or [], model=None).ruleset
        table = Table(title=f"{len(ruleset.rules)} rules, {len(ruleset.context_rules)} context cues")
        for column in ("id", "category", "severity", "lang", "examples"):
            table.add_column(column)
        for rule in ruleset.rules:
            table.add_row(
                rule.id,
                rule.category,
                rule.severity,
                rule.lang,
                f"{len(rule.examples_flag)} flag / {len(rule.examples_ok)} ok",
            )
        stdout_console().print(table)


@rules_app.command("show")
def rules_show(
    rule_id: Annotated[str, typer.Argument(help="A rule or context cue id.")], rules: RulesOption = None
) -> None:
    """Show one rule or context cue in full, with where it is defined."""
    import yaml

    with user_errors():
        ruleset = Checker(rules or [], model=None).ruleset
        item = ruleset.get(rule_id)
        if item is None:
            raise ClaimcheckError(f"no rule or cue with id {rule_id!r} (see `claimcheck rules list`)")
        console = stdout_console()
        console.print(safe(f"{item.origin.path}:{item.origin.line}", "dim"))
        console.print(
            yaml.safe_dump(item.as_data(), allow_unicode=True, sort_keys=False, width=100), markup=False
        )


@rules_app.command("test")
def rules_test(
    rules: RulesOption = None,
    only: Annotated[str | None, typer.Option("--only", help="Only ids starting with this prefix.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List passing examples too.")] = False,
) -> None:
    """Run every rule's and context cue's embedded examples; exit 1 on any failure."""
    from claimcheck.ruletest import run_examples

    with user_errors():
        checker = Checker(rules or [], model=None)  # the rules as written, without the model
        results = run_examples(checker, only)
        if not results:
            raise ClaimcheckError(
                f"--only {only}: no rule or cue id starts with it (see `claimcheck rules list`)"
            )
    failed = [r for r in results if not r.passed]
    console = stdout_console()
    shown = results if verbose else failed
    if shown:
        table = Table(title="failing examples" if not verbose else "examples", show_lines=True, expand=True)
        for column in ("rule", "kind", "example", "got"):
            table.add_column(column, overflow="fold")
        table.add_column("ok", no_wrap=True)
        for r in shown:
            verdict = Text("pass", style="green") if r.passed else Text("FAIL", style="red")
            table.add_row(r.rule, r.kind, safe(r.text), safe(r.got), verdict)
        console.print(table)
    by_kind = {k: sum(1 for r in results if r.kind == k) for k in ("flag", "ok", "context")}
    console.print(
        f"{len(results) - len(failed)} passed, {len(failed)} failed "
        f"({by_kind['flag']} flag, {by_kind['ok']} ok, {by_kind['context']} context examples; "
        f"{len(checker.ruleset.rules)} rules, {len(checker.ruleset.context_rules)} cues)"
    )
    raise typer.Exit(1 if failed else 0)
