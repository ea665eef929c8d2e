"""Terminal tables for `claimcheck eval`."""

from __future__ import annotations

from typing import Any

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


def render_cv(result: Any, console: Console, *, show_errors: bool = False) -> None:
    """Cross-validation figures (claimcheck.training.cv.CVResult): one table per mode, then per language."""
    console.print(
        f"{result.folds}-fold cross-validation grouped by site: {result.passages} passages from "
        f"{result.sites} sites, seed {result.seed}. Every passage was checked by a model that never saw its site."
    )
    for mode, r in result.modes.items():
        low, high = r.interval
        r.overall.source = f"{mode} mode (micro-F1 95% CI {low:.3f}-{high:.3f}, sites resampled)"
        render_eval(r.overall, console, show_errors=show_errors)
        langs = Table(title=f"{mode} mode by language", title_justify="left")
        for column in ("lang", "passages", "precision", "recall", "F1", "false alarms"):
            langs.add_column(column, justify="left" if column == "lang" else "right")
        for lang, e in sorted(r.by_lang.items()):
            m = e.micro
            langs.add_row(
                lang,
                str(e.passages),
                f"{m.precision:.3f}",
                f"{m.recall:.3f}",
                f"{m.f1:.3f}",
                f"{e.false_alarm_rate:.1%}",
            )
        console.print(langs)
        if r.pages:
            pm = r.pages["micro"]
            console.print(
                f"{mode} mode on {r.pages['pages']} whole pages (out of fold): precision {pm['precision']:.3f}, "
                f"recall {pm['recall']:.3f}, F1 {pm['f1']:.3f}; warning, news and regulator pages flagged: "
                f"{r.pages['warning_news_regulator_pages_flagged']} of {r.pages['warning_news_regulator_pages']}"
            )
    first = next(iter(result.modes))
    calibration = result.modes[first].calibration
    if calibration:
        table = Table(
            title=f"calibration ({first} mode): asserted decisions by confidence", title_justify="left"
        )
        for column in ("confidence", "decisions", "right"):
            table.add_column(column, justify="right")
        for row in calibration:
            table.add_row(f"{row['confidence']:.2f}", str(row["decisions"]), f"{row['right']:.2f}")
        console.print(table)
