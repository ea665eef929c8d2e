"""The five real seed pages (read from ../shared, never copied) get the gold verdict and categories."""

from __future__ import annotations

import json

import pytest

from claimcheck import Checker
from claimcheck.sources.inputs import read_file

from .conftest import SHARED

GOLD = SHARED / "seeds" / "gold.jsonl"
CASES = [json.loads(line) for line in GOLD.read_text().splitlines()] if GOLD.exists() else []


@pytest.mark.skipif(not CASES, reason="../shared/seeds is not present")
@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_seed_page(checker: Checker, case: dict) -> None:
    report = checker.check_document(read_file(SHARED / "seeds" / case["file"]))
    assert report.categories == sorted(case["labels"])
    assert report.verdict == ("flagged" if case["labels"] else "clean")


@pytest.fixture(scope="module", params=["default", "fast"])
def shipped(request: pytest.FixtureRequest) -> Checker:
    """The checker as users run it: the shipped model, in each operating point."""
    return Checker(fast=request.param == "fast")


@pytest.mark.skipif(not CASES, reason="../shared/seeds is not present")
@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_seed_page_with_the_shipped_model(shipped: Checker, case: dict) -> None:
    """Long warning pages have many windows: one model claim over the bar on any of them flags the page."""
    report = shipped.check_document(read_file(SHARED / "seeds" / case["file"]))
    assert report.categories == sorted(case["labels"])
