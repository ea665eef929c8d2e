"""One Checker for the whole server: built at the first check (spaCy loads then, not at start-up), reused
by every request, and used by one request at a time (a spaCy pipeline is not meant for concurrent calls)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from claimcheck.findings import Report
from claimcheck.rules import RuleSet
from claimcheck.sources import Document

if TYPE_CHECKING:
    from claimcheck.checker import Checker


class SharedChecker:
    def __init__(
        self,
        ruleset: RuleSet | None = None,
        checker: Checker | None = None,
        options: dict[str, Any] | None = None,
    ) -> None:
        self._ruleset = ruleset  # loaded (and validated) at start-up, so a bad --rules fails early
        self._options = options or {}  # model, fast, min_confidence: as on the command line
        self._checker = checker
        self._lock = threading.Lock()

    @property
    def built(self) -> bool:
        return self._checker is not None

    def check(self, doc: Document, lang: str | None = None) -> Report:
        with self._lock:
            if self._checker is None:
                from claimcheck.checker import Checker

                self._checker = Checker(ruleset=self._ruleset, **self._options)
            return self._checker.check_document(doc, lang=lang)
