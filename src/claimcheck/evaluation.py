"""Accuracy on labelled passages (CONTRACT.md section 5): precision, recall and F1 per category and
micro-averaged, and the false-alarm rate on passages that carry no label."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from claimcheck.errors import ClaimcheckError
from claimcheck.findings import Finding
from claimcheck.rules.model import CATEGORIES


@dataclass(frozen=True)
class Passage:
    id: str
    text: str
    labels: frozenset[str]
    lang: str | None
    line: int
    url: str | None = None  # the page's address (`url` or `source`), when the line has one


@dataclass(frozen=True)
class ErrorCase:
    passage: str
    category: str
    kind: str  # "false positive" or "false negative"
    text: str
    why: str  # the rule/cue responsible


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "support": self.tp + self.fn,
        }


@dataclass
class EvalResult:
    source: str
    passages: int = 0
    unlabelled: int = 0
    unlabelled_flagged: int = 0
    per_category: dict[str, Counts] = field(default_factory=lambda: {c: Counts() for c in CATEGORIES})
    errors: list[ErrorCase] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # lines that could not be used

    @property
    def micro(self) -> Counts:
        total = Counts()
        for c in self.per_category.values():
            total.tp, total.fp, total.fn = total.tp + c.tp, total.fp + c.fp, total.fn + c.fn
        return total

    @property
    def false_alarm_rate(self) -> float:
        return self.unlabelled_flagged / self.unlabelled if self.unlabelled else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "passages": self.passages,
            "unlabelled": self.unlabelled,
            "unlabelled_flagged": self.unlabelled_flagged,
            "false_alarm_rate": round(self.false_alarm_rate, 4),
            "micro": self.micro.as_dict(),
            "per_category": {k: v.as_dict() for k, v in self.per_category.items()},
            "errors": [e.__dict__ for e in self.errors],
            "problems": self.problems,
        }


def read_passages(path: Path, problems: list[str]) -> Iterator[Passage]:
    """Labelled passages from .jsonl or .jsonl.gz; unusable lines are recorded in `problems`."""
    try:
        if path.name.endswith(".gz"):
            opened: IO[str] = gzip.open(path, "rt", encoding="utf-8")  # noqa: SIM115 - closed by the `with` below
        else:
            opened = path.open(encoding="utf-8")
    except OSError as exc:
        raise ClaimcheckError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with opened as handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                passage = _passage(line, number, problems)
                if passage is not None:
                    yield passage
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise ClaimcheckError(f"{path}: unreadable ({exc})") from None


def _passage(line: str, number: int, problems: list[str]) -> Passage | None:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        problems.append(f"line {number}: invalid JSON ({exc.msg})")
        return None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        problems.append(f"line {number}: no 'text'")
        return None
    labels = data.get("labels", [])
    if not isinstance(labels, list):
        problems.append(f"line {number}: 'labels' must be a list")
        return None
    unknown = [x for x in labels if x not in CATEGORIES]
    if unknown:
        problems.append(f"line {number}: unknown label {unknown[0]!r}")
        return None
    lang = data.get("lang") if data.get("lang") in ("en", "es") else None
    url = data.get("url") or data.get("source")
    return Passage(
        str(data.get("id", number)),
        data["text"],
        frozenset(labels),
        lang,
        number,
        url if isinstance(url, str) else None,
    )


class TextChecker(Protocol):
    """Anything that checks a text into something with `categories` and `findings` (a Checker, a baseline)."""

    def check_text(
        self, text: str, lang: str | None = None, *, id: str = "-", url: str | None = None
    ) -> Any: ...


def evaluate(checker: TextChecker, path: Path) -> EvalResult:
    result = EvalResult(source=str(path))
    for passage in read_passages(path, result.problems):
        tally(
            result,
            passage,
            checker.check_text(passage.text, lang=passage.lang, id=passage.id, url=passage.url),
        )
    if result.passages == 0:
        raise ClaimcheckError(
            f"{path}: no usable labelled passages" + (f" ({result.problems[0]})" if result.problems else "")
        )
    return result


def tally(result: EvalResult, passage: Passage, report: Any) -> None:
    """Count one passage's predicted categories (`report.categories`) against its labels."""
    predicted = set(report.categories)
    result.passages += 1
    if not passage.labels:
        result.unlabelled += 1
        result.unlabelled_flagged += bool(predicted)
    for category in CATEGORIES:
        counts = result.per_category[category]
        gold, got = category in passage.labels, category in predicted
        if gold and got:
            counts.tp += 1
        elif got:
            counts.fp += 1
            result.errors.append(_error(passage, category, "false positive", report))
        elif gold:
            counts.fn += 1
            result.errors.append(_error(passage, category, "false negative", report))


def _error(passage: Passage, category: str, kind: str, report: Any) -> ErrorCase:
    mine = [f for f in report.findings if f.category == category]
    dismissed = [f for f in getattr(report, "dismissed", []) if f.category == category]
    if kind == "false positive":
        why = "; ".join(_why(f) for f in mine if f.asserted)
    elif mine or dismissed:
        why = "; ".join(
            [f"{f.rule} matched {f.text!r} but {f.context} (cue: {f.cue})" for f in mine]
            + [
                f"{f.rule} matched {f.text!r} but the model dismissed it ({_confidence(f)})"
                for f in dismissed
            ]
        )
    else:
        why = "no rule matched and the model did not find it"
    return ErrorCase(passage.id, category, kind, passage.text, why)


def _confidence(finding: Finding) -> str:
    return "no confidence" if finding.confidence is None else f"confidence {finding.confidence:.2f}"


def _why(finding: Finding) -> str:
    if finding.detector == "model":
        return f"model ({finding.confidence or 0:.2f}) on {', '.join(finding.top_terms[:3]) or 'the passage'}"
    return f"{finding.rule} matched {finding.text!r}"
