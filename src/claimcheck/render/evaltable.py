"""Terminal tables for `claimcheck eval`."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from claimcheck.evaluation import EvalResult
from claimcheck.render.terminal import safe


def render_eval(result: EvalResult, console: Console, *, show_errors: bool = False) -> None:
    table = Table(title=safe(f"{result.source}: {result.passages} passages"), title_justify="left")
    for column in ("category", "support", "tp", "fp", "fn", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column == "category" else "right")
    for category, c in result.per_category.items():
        table.add_row(
            category,
            str(c.tp + c.fn),
            str(c.tp),
            str(c.fp),
            str(c.fn),
            f"{c.precision:.2f}",
            f"{c.recall:.2f}",
            f"{c.f1:.2f}",
        )
    m = result.micro
    table.add_row(
        Text("micro", style="bold"),
        str(m.tp + m.fn),
        str(m.tp),
        str(m.fp),
        str(m.fn),
        f"{m.precision:.3f}",
        f"{m.recall:.3f}",
        Text(f"{m.f1:.3f}", style="bold"),
        end_section=True,
    )
    console.print(table)
    console.print(
        f"false alarms: {result.unlabelled_flagged} of {result.unlabelled} unlabelled passages flagged "
        f"({result.false_alarm_rate:.1%})"
    )
    for problem in result.problems:
        console.print(safe(f"skipped {problem}", "yellow"))
    if show_errors and result.errors:
        errors = Table(title="errors", show_lines=True, expand=True)
        for column in ("passage", "kind", "category", "text", "why"):
            errors.add_column(column, overflow="fold")
        for e in result.errors:
            errors.add_row(safe(e.passage), e.kind, e.category, safe(e.text), safe(e.why))
        console.print(errors)
