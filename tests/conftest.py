from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcheck import Checker
from claimcheck.cli import app

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def checker() -> Checker:
    """The rule packs alone: rule and context tests test the rules as written (tests/test_model.py: the model)."""
    return Checker(model=None)


@pytest.fixture()
def cli():
    runner = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "200"})

    def run(*args: str, input: str | bytes | None = None):
        return runner.invoke(app, list(args), input=input)

    return run
