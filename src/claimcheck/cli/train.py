"""`claimcheck train`: fit the claim model on labelled passages and print its grouped cross-validation."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from claimcheck.cli.app import app
from claimcheck.cli.common import RulesOption, stderr_console, stdout_console, user_errors
from claimcheck.errors import ClaimcheckError


@app.command("train")
def train_command(
    data: Annotated[
        list[Path], typer.Argument(help="Labelled .jsonl files (eval's format, plus kind and source).")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Model folder to write (fast/, full/, MODEL_CARD.md).")
    ],
    folds: Annotated[
        int, typer.Option("--cv", help="Folds of domain-grouped cross-validation.", min=2, max=20)
    ] = 5,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed for folds and solvers (fixed: reproducible).")
    ] = 0,
    embeddings: Annotated[
        bool, typer.Option("--embeddings/--no-embeddings", help="Also train the default (embedding) model.")
    ] = True,
    pages: Annotated[
        list[Path] | None,
        typer.Option("--pages", help="Labelled page excerpts, checked out of fold for page-level figures."),
    ] = None,
    extra: Annotated[
        list[Path] | None,
        typer.Option(
            "--extra", help="Passages written for the project: train at a small weight, never scored."
        ),
    ] = None,
    rules: RulesOption = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing model folder.")] = False,
) -> None:
    """Train the claim model; the figures printed are domain-grouped cross-validation, never in-sample."""
    from claimcheck.render.evaltable import render_cv
    from claimcheck.rules import load_rules
    from claimcheck.training.fit import Settings
    from claimcheck.training.train import train

    console = stderr_console()
    with user_errors():
        if (out / "fast").exists() and not force:
            raise ClaimcheckError(f"{out}: a model is already there (add --force to replace it)")
        for path in [*data, *(pages or []), *(extra or [])]:
            if not path.is_file():
                raise ClaimcheckError(f"{path}: no such file")
        ruleset = load_rules(rules or [])
        command = "claimcheck train " + " ".join(shlex.quote(a) for a in sys.argv[2:])
        result = train(
            data,
            out,
            ruleset,
            settings=Settings(seed=seed),
            folds=folds,
            embeddings=embeddings,
            pages=pages,
            extra=extra,
            command=command,
            log=lambda m: console.print(m, markup=False, highlight=False),
        )
    render_cv(result, stdout_console())
    console.print(f"wrote {out}/ (model card: {out / 'MODEL_CARD.md'})", markup=False, highlight=False)
