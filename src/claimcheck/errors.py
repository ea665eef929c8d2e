"""Errors a user can cause. The CLI prints them as one line and exits 2; nothing else is caught."""

from __future__ import annotations


class ClaimcheckError(Exception):
    """A user-facing problem: bad input, bad rules, bad arguments. The message says what and where."""


class RuleError(ClaimcheckError):
    """A pattern or context file is invalid. The message names file, line and rule id."""

    def __init__(self, path: str, line: int | None, rule_id: str | None, problem: str) -> None:
        where = f"{path}:{line}" if line else path
        who = f" rule {rule_id}:" if rule_id else ""
        super().__init__(f"{where}:{who} {problem}")
        self.path, self.line, self.rule_id, self.problem = path, line, rule_id, problem


class InputError(ClaimcheckError):
    """A document could not be read or decoded. In batch runs it becomes a skipped report."""
