"""What every command shares: exit codes, common options, consoles, and the one place user errors print."""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.text import Text

from claimcheck.errors import ClaimcheckError
from claimcheck.findings import Report
from claimcheck.render.terminal import safe
from claimcheck.rules.model import SEVERITIES

EXIT_CLEAN, EXIT_FLAGGED, EXIT_USAGE = 0, 1, 2


class FailOn(str, Enum):
    low = "low"
    medium = "medium"
    high = "high"
    never = "never"


RulesOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--rules", "-r", help="Extra pattern file or folder (repeatable); adds to the shipped packs."
    ),
]
LangOption = Annotated[
    str | None,
    typer.Option("--lang", help="Force the language (en, es) instead of detecting it per block."),
]
FailOnOption = Annotated[
    FailOn, typer.Option("--fail-on", help="Exit 1 when a finding at or above this severity is asserted.")
]


def stdout_console() -> Console:
    # rich already honours NO_COLOR and plain output when stdout is not a terminal.
    return Console(highlight=False, soft_wrap=False)


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False)


@contextmanager
def user_errors() -> Iterator[None]:
    """A user's mistake is one line on stderr and exit 2, never a traceback."""
    try:
        yield
    except ClaimcheckError as exc:
        # The message holds file names, URLs and server text: printed as plain text, never as markup.
        stderr_console().print(Text.assemble(("claimcheck: error: ", "bold red"), safe(exc)), soft_wrap=True)
        raise typer.Exit(EXIT_USAGE) from None
    except BrokenPipeError:
        # The reader went away (`| head`); that is not an error.
        sys.stderr.close()
        raise typer.Exit(EXIT_CLEAN) from None


def exit_code(reports: list[Report] | Iterator[Report], fail_on: FailOn) -> int:
    if fail_on is FailOn.never:
        return EXIT_CLEAN
    threshold = SEVERITIES[fail_on.value]
    for report in reports:
        if any(SEVERITIES[f.severity] >= threshold for f in report.asserted):
            return EXIT_FLAGGED
    return EXIT_CLEAN


def validate_lang(lang: str | None) -> None:
    if lang is not None and lang not in ("en", "es"):
        raise ClaimcheckError(f"--lang {lang}: supported languages are en and es")


def byte_size(text: str) -> int:
    """ "10MB", "500k", "2000000" -> bytes (a finite size above zero)."""
    units = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3}
    number = text.strip().lower()
    digits = number.rstrip("kmgb")
    try:
        size = float(digits) * units[number[len(digits) :]]
    except (ValueError, KeyError):
        size = float("nan")
    if not math.isfinite(size) or size < 1:
        raise ClaimcheckError(f"--max-bytes {text}: use a size above zero such as 10MB, 500k or 2000000")
    return int(size)


def open_sink(out: Path | None) -> TextIO:
    if out is None:
        return sys.stdout
    try:
        return out.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise ClaimcheckError(f"{out}: cannot write ({exc.strerror})") from None


ModelOption = Annotated[
    Path | None,
    typer.Option("--model", help="A model folder from `claimcheck train` (default: the shipped model)."),
]
NoModelOption = Annotated[bool, typer.Option("--no-model", help="The rule packs alone, without the model.")]
FastOption = Annotated[
    bool, typer.Option("--fast", help="The model without sentence embeddings: much faster, less accurate.")
]
MinConfidenceOption = Annotated[
    float,
    typer.Option("--min-confidence", min=0.0, max=1.0, help="Drop findings the model is less sure of."),
]


def model_choice(model: Path | None, no_model: bool) -> str | None:
    """What --model/--no-model ask for, as Checker(model=...) takes it: an absolute folder (workers may run
    elsewhere), "shipped", or None for the rules alone."""
    if no_model and model is not None:
        raise ClaimcheckError("--model and --no-model contradict each other")
    if no_model:
        return None
    return str(model.resolve()) if model else "shipped"


def make_checker(
    rules: list[Path] | None,
    model: Path | None = None,
    no_model: bool = False,
    fast: bool = False,
    min_confidence: float = 0.0,
) -> Any:
    """The Checker the model options describe (rules from --rules; the shipped model unless told otherwise)."""
    from claimcheck.checker import Checker  # spaCy loads only for commands that check

    return Checker(rules or [], model=model_choice(model, no_model), fast=fast, min_confidence=min_confidence)
