"""Refuse, at load time, token REGEX values that can backtrack catastrophically.

Python's `re` backtracks: "^(a+)+$" takes minutes on 30 characters, and a user's pack would stall a whole
batch. The parse tree (the `re` module's own parser) is checked for the shapes that blow up:
- a quantifier inside a repeated group ("(a+)+", "(a*)*", "(\\w+\\s?)+"), whatever the text;
- a repeated alternation whose branches can start alike or match nothing ("(a|a)*", "(a|ab)+");
- more than MAX_UNBOUNDED open-ended quantifiers in one regex (".*.*.*x" is polynomial: n**4 per token).
Some safe regexes are refused too ("(\\w+-)+"); the message says what to rewrite. What remains runs on one
token, and tokens are at most textnorm.MAX_TOKEN characters long, so its cost per token is bounded.
"""

from __future__ import annotations

import re
from typing import Any

try:
    from re import _parser as sre  # type: ignore[attr-defined]  # Python 3.11+
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as sre

MAX_UNBOUNDED = 2
WIDE_RANGE = 512  # a character range wider than this counts as "any character" when comparing branches
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}
# A branch's first characters: a set of code points, or None when it may start with nearly anything.
Chars = frozenset[int] | None


def regex_problem(pattern: Any) -> str | None:
    """Why a REGEX value is refused, or None when it is safe to run on every token."""
    if not isinstance(pattern, str):
        return f"REGEX must be a string, got {pattern!r}"
    try:
        tree = sre.parse(pattern)
    except (re.error, OverflowError, RecursionError) as exc:
        return f"invalid REGEX {pattern!r}: {exc}"
    problem = _walk(list(tree), repeated=False)
    if problem is None and _open_ended(list(tree)) > MAX_UNBOUNDED:
        problem = f"more than {MAX_UNBOUNDED} open-ended quantifiers (*, +, {{n,}})"
    if problem is None:
        return None
    return (
        f"REGEX {pattern!r} can backtrack catastrophically: {problem}; rewrite it or use IN with a word list"
    )


def _walk(items: list[tuple[Any, Any]], repeated: bool) -> str | None:
    """The first dangerous shape in a parse tree; `repeated` when inside a group that repeats."""
    for op, av in items:
        found: str | None = None
        if op in _REPEATS:
            low, high, sub = av
            if repeated and high != low:
                return "a quantifier inside a repeated group, as in (a+)+"
            found = _walk(list(sub), repeated or high > 1)
        elif op == sre.BRANCH:
            if repeated and _overlapping(av[1]):
                return "a repeated alternation whose branches can match the same text, as in (a|a)*"
            found = next((p for p in (_walk(list(alt), repeated) for alt in av[1]) if p), None)
        elif op == sre.SUBPATTERN:
            found = _walk(list(av[-1]), repeated)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            found = _walk(list(av[1]), repeated)
        elif op == getattr(sre, "ATOMIC_GROUP", None):
            found = _walk(list(av), repeated)
        elif op == sre.GROUPREF_EXISTS:
            found = next((p for p in (_walk(list(b), repeated) for b in av[1:] if b) if p), None)
        if found:
            return found
    return None


def _overlapping(alternatives: list[Any]) -> bool:
    seen: set[int] = set()
    for alt in alternatives:
        chars, nullable = _first(list(alt))
        if nullable or chars is None or seen & chars:
            return True
        seen |= chars
    return False


def _first(items: list[tuple[Any, Any]]) -> tuple[Chars, bool]:
    """(characters a match can start with, whether it can match the empty string)."""
    found: set[int] = set()
    for op, av in items:
        chars, nullable = _first_of(op, av)
        if chars is None:
            return None, False
        found |= chars
        if not nullable:
            return frozenset(found), False
    return frozenset(found), True


def _first_of(op: Any, av: Any) -> tuple[Chars, bool]:
    if op == sre.LITERAL:
        return frozenset(_cases(av)), False
    if op == sre.IN:
        return _set_chars(av), False
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return frozenset(), True  # zero width
    if op in _REPEATS:
        chars, nullable = _first(list(av[2]))
        return chars, nullable or av[0] == 0
    if op == sre.SUBPATTERN:
        return _first(list(av[-1]))
    if op == getattr(sre, "ATOMIC_GROUP", None):
        return _first(list(av))
    if op == sre.BRANCH:
        union: set[int] = set()
        nullable = False
        for alt in av[1]:
            chars, empty = _first(list(alt))
            if chars is None:
                return None, False
            union |= chars
            nullable = nullable or empty
        return frozenset(union), nullable
    return None, False  # any character, a category, a back-reference, a conditional


def _set_chars(items: list[tuple[Any, Any]]) -> Chars:
    chars: set[int] = set()
    for op, av in items:
        if op == sre.LITERAL:
            chars |= _cases(av)
        elif op == sre.RANGE and av[1] - av[0] <= WIDE_RANGE:
            for code in range(av[0], av[1] + 1):
                chars |= _cases(code)
        else:  # a negated set, a category such as \w, a wide range
            return None
    return frozenset(chars)


def _cases(code: int) -> set[int]:
    """A code point and its single-character case variants: (?i) and folded text make "A" meet "a"."""
    char = chr(code)
    return {code, *(ord(c) for c in (char.lower(), char.upper()) if len(c) == 1)}


def _open_ended(items: list[tuple[Any, Any]]) -> int:
    count = 0
    for op, av in items:
        if op in _REPEATS:
            count += av[1] == sre.MAXREPEAT
            count += _open_ended(list(av[2]))
        elif op == sre.BRANCH:
            count += sum(_open_ended(list(alt)) for alt in av[1])
        elif op == sre.SUBPATTERN:
            count += _open_ended(list(av[-1]))
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            count += _open_ended(list(av[1]))
        elif op == getattr(sre, "ATOMIC_GROUP", None):
            count += _open_ended(list(av))
    return count
