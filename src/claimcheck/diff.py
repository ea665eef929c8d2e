"""What changed between two audits (or stores): claims added and removed per URL, matched by a fingerprint
that survives re-flowed text (rule + normalised matched words + normalised sentence; never offsets)."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimcheck.errors import ClaimcheckError
from claimcheck.store import store_path
from claimcheck.textnorm import fold

_NOT_WORD = re.compile(r"[^\w]+")


def squash(text: str) -> str:
    """Case, accents, punctuation and spacing removed: "No side-effects!" and "no side effects" agree."""
    return " ".join(_NOT_WORD.sub(" ", fold(text)).split())


@dataclass(frozen=True)
class Claim:
    url: str
    rule: str
    category: str
    severity: str
    context: str
    text: str
    sentence: str

    @property
    def fingerprint(self) -> str:
        return f"{self.rule}|{squash(self.text)}|{squash(self.sentence)}"

    def as_dict(self) -> dict[str, str]:
        return {
            "url": self.url,
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity,
            "context": self.context,
            "text": self.text,
            "sentence": self.sentence,
        }


@dataclass
class DiffResult:
    added: list[Claim] = field(default_factory=list)
    removed: list[Claim] = field(default_factory=list)
    unchanged: int = 0
    pages_added: list[str] = field(default_factory=list)
    pages_removed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": [c.as_dict() for c in self.added],
            "removed": [c.as_dict() for c in self.removed],
            "unchanged": self.unchanged,
            "pages_added": self.pages_added,
            "pages_removed": self.pages_removed,
        }


def load_claims(target: Path, *, include_mentions: bool = False) -> dict[str, list[Claim]]:
    """The latest report of every page (by URL, else source) and its claims."""
    path = store_path(target)
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            rows = db.execute(
                "SELECT coalesce(url, source), report FROM documents WHERE verdict != 'skipped' ORDER BY pk"
            ).fetchall()
    except sqlite3.DatabaseError as exc:
        raise ClaimcheckError(f"{path}: not a claimcheck store ({exc})") from None
    pages: dict[str, list[Claim]] = {}
    for url, report in rows:
        data = json.loads(report)
        pages[url] = [
            Claim(
                url, f["rule"], f["category"], f["severity"], f["context"], f["text"], f.get("sentence", "")
            )
            for f in data.get("findings", [])
            if include_mentions or f["context"] == "asserted"
        ]
    return pages


def diff(old: dict[str, list[Claim]], new: dict[str, list[Claim]]) -> DiffResult:
    result = DiffResult()
    result.pages_added = sorted(set(new) - set(old))
    result.pages_removed = sorted(set(old) - set(new))
    for url in sorted(set(old) | set(new)):
        before = Counter(c.fingerprint for c in old.get(url, []))
        after = Counter(c.fingerprint for c in new.get(url, []))
        result.unchanged += sum((before & after).values())
        result.added += _take(new.get(url, []), after - before)
        result.removed += _take(old.get(url, []), before - after)
    return result


def _take(claims: list[Claim], wanted: Counter[str]) -> list[Claim]:
    out = []
    for claim in claims:
        if wanted[claim.fingerprint] > 0:
            wanted[claim.fingerprint] -= 1
            out.append(claim)
    return out
