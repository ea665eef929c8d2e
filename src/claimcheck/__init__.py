"""claimcheck: flag red-flag stem-cell clinic claims, and tell a page that makes a claim from one that
warns about it.

    >>> from claimcheck import Checker
    >>> report = Checker().check_text("Our stem cell capsules have no side effects.")
    >>> report.verdict, report.categories
    ('flagged', ['oral_product', 'risk_free'])
"""

__version__ = "0.1.0"

from claimcheck.checker import Checker
from claimcheck.findings import Finding, Report

__all__ = ["Checker", "Finding", "Report", "__version__"]
