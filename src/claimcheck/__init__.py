"""claimcheck: flag red-flag stem-cell clinic claims, and tell a page that makes a claim from one that
warns about it.

    >>> from claimcheck import Checker
    >>> report = Checker().check_text("Our stem cell capsules have no side effects.")
    >>> report.verdict, report.categories
    ('flagged', ['oral_product', 'risk_free'])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from claimcheck.findings import Finding, Report

if TYPE_CHECKING:
    from claimcheck.checker import Checker

__version__ = "0.1.0"
__all__ = ["Checker", "Finding", "Report", "__version__"]


def __getattr__(name: str) -> Any:
    # Checker pulls in spaCy; rules, sources, the store and the renderers stay importable without it.
    if name == "Checker":
        from claimcheck.checker import Checker

        return Checker
    raise AttributeError(f"module 'claimcheck' has no attribute {name!r}")
