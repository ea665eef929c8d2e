"""`claimcheck eval`: accuracy on labelled passages."""

from __future__ import annotations

import json as jsonlib
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from claimcheck.cli.app import app
from claimcheck.cli.common import (
    FastOption,
    ModelOption,
    NoModelOption,
    RulesOption,
    make_checker,
    stderr_console,
    stdout_console,
    user_errors,
)
from claimcheck.errors import ClaimcheckError


class EvalFormat(str, Enum):
    text = "text"
    json = "json"


@app.command("eval")
def eval_command(
    files: Annotated[
        list[Path], typer.Argument(help="Labelled .jsonl or .jsonl.gz files (CONTRACT.md section 5).")
    ],
    fmt: Annotated[
        EvalFormat, typer.Option("--format", "-f", help="text (tables) or json.")
    ] = EvalFormat.text,
    show_errors: Annotated[
        bool, typer.Option("--show-errors", help="List false positives and negatives.")
    ] = False,
    cv: Annotated[
        int | None,
        typer.Option(
            "--cv",
            min=2,
            max=20,
            help="Train and measure by K-fold cross-validation grouped by site (needs claimcheck[train]).",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the --cv folds.")] = 0,
    embeddings: Annotated[
        bool,
        typer.Option("--embeddings/--no-embeddings", help="With --cv: also the default (embedding) mode."),
    ] = True,
    extra: Annotated[
        list[Path] | None,
        typer.Option(
            "--extra", help="With --cv: passages written for the project, training only (as `train`)."
        ),
    ] = None,
    rules: RulesOption = None,
    model: ModelOption = None,
    no_model: NoModelOption = False,
    fast: FastOption = False,
    min_f1: Annotated[
        float | None,
        typer.Option("--min-f1", help="Exit 1 when micro-F1 falls below this floor (for CI)."),
    ] = None,
) -> None:
    """Measure precision, recall and F1 per category on labelled passages.

    Figures on passages a model was trained on flatter it: for the shipped model, quote --cv figures.
    """
    if cv is not None:
        _cross_validate(files, cv, seed, embeddings, rules, fmt, min_f1, extra, show_errors)
        return
    from claimcheck.evaluation import evaluate
    from claimcheck.render.evaltable import render_eval

    with user_errors():
        checker = make_checker(rules, model, no_model, fast)
        results = [evaluate(checker, path) for path in files]
    if fmt is EvalFormat.json:
        payload = [r.as_dict() for r in results]
        if not show_errors:
            for item in payload:
                item.pop("errors")
        sys.stdout.write(
            jsonlib.dumps(payload[0] if len(payload) == 1 else payload, indent=2, ensure_ascii=False) + "\n"
        )
    else:
        for result in results:
            render_eval(result, stdout_console(), show_errors=show_errors)
    below = min_f1 is not None and any(r.micro.f1 < min_f1 for r in results)
    raise typer.Exit(1 if below else 0)


def _cross_validate(
    files: list[Path],
    folds: int,
    seed: int,
    embeddings: bool,
    rules: list[Path] | None,
    fmt: EvalFormat,
    min_f1: float | None,
    extra: list[Path] | None,
    show_errors: bool,
) -> None:
    console = stderr_console()
    with user_errors():
        try:
            from claimcheck.training.cv import cross_validate
            from claimcheck.training.fit import Settings
            from claimcheck.training.train import build_training_set
        except ImportError as exc:
            raise ClaimcheckError(
                f"--cv trains models: pip install 'claimcheck[train]' ({exc.name} is missing)"
            ) from None
        from claimcheck.nlp.embeddings import Embedder, training_cache
        from claimcheck.render.evaltable import render_cv
        from claimcheck.rules import load_rules

        ruleset = load_rules(rules or [])
        embedder = Embedder(threads=1, store=training_cache()) if embeddings else None
        data = build_training_set(files, ruleset, embeddings=embeddings, embedder=embedder, extra=extra)
        result = cross_validate(
            data,
            ruleset,
            Settings(seed=seed),
            folds=folds,
            seed=seed,
            embedder=embedder,
            log=lambda m: console.print(m, markup=False, highlight=False),
        )
    if fmt is EvalFormat.json:
        sys.stdout.write(
            jsonlib.dumps(result.as_dict(errors=show_errors), indent=2, ensure_ascii=False) + "\n"
        )
    else:
        render_cv(result, stdout_console(), show_errors=show_errors)
    f1 = min(r.overall.micro.f1 for r in result.modes.values())
    raise typer.Exit(1 if min_f1 is not None and f1 < min_f1 else 0)
