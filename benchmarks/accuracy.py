"""The rule packs (no model) against a grep-like keyword baseline, on the project's corpus and, when present,
the shared real dev passages, scored by the same `claimcheck.evaluation` code. A rules regression benchmark:
the rules were written with these passages in view. Accuracy of the shipped checker comes from
`claimcheck eval ... --cv 5` (domain-grouped cross-validation on real text), never from this table.

    python benchmarks/accuracy.py [extra.jsonl ...]
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rich.console import Console
from rich.table import Table

from claimcheck import Checker
from claimcheck.evaluation import EvalResult, TextChecker, evaluate
from claimcheck.rules import CATEGORIES

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = Path(__file__).with_name("keywords.yaml")
DATASETS = [
    ROOT / "corpus" / "passages.jsonl",
    ROOT / "corpus" / "holdout.jsonl",
    ROOT / "corpus" / "holdout2.jsonl",
    ROOT.parent / "shared" / "dev" / "cases.jsonl",
]


@dataclass
class KeywordReport:
    categories: list[str]
    findings: list = field(default_factory=list)


class KeywordBaseline:
    """What grep does: any keyword anywhere flags its category, whatever the sentence says."""

    def __init__(self, path: Path = KEYWORDS) -> None:
        self.keywords = {
            cat: [k.lower() for k in words] for cat, words in yaml.safe_load(path.read_text()).items()
        }

    def check_text(
        self, text: str, lang: str | None = None, *, id: str = "-", url: str | None = None
    ) -> KeywordReport:
        lower = text.lower()
        return KeywordReport(
            sorted(c for c, words in self.keywords.items() if any(w in lower for w in words))
        )


def main(extra: list[str]) -> None:
    datasets = [p for p in DATASETS if p.exists()] + [Path(p) for p in extra]
    systems: dict[str, TextChecker] = {"claimcheck rules": Checker(model=None), "keywords": KeywordBaseline()}
    table = Table(title="accuracy (micro over the nine categories; per-category F1)")
    for column in (
        "data",
        "system",
        "passages",
        "P",
        "R",
        "F1",
        "false alarms",
        *[c[:10] for c in CATEGORIES],
    ):
        table.add_column(column, justify="left" if column in ("data", "system") else "right")
    for path in datasets:
        for name, system in systems.items():
            result: EvalResult = evaluate(system, path)
            m = result.micro
            table.add_row(
                path.parent.name + "/" + path.name,
                name,
                str(result.passages),
                f"{m.precision:.3f}",
                f"{m.recall:.3f}",
                f"{m.f1:.3f}",
                f"{result.false_alarm_rate:.1%}",
                *[f"{result.per_category[c].f1:.2f}" for c in CATEGORIES],
            )
        table.add_section()
    Console(width=200).print(table)


if __name__ == "__main__":
    main(sys.argv[1:])
