"""Domain-grouped k-fold cross-validation of the whole checker (rules + learned model), end to end.

Each fold trains the model on the other folds' sites only, builds a Checker with it and checks the held-out
passages exactly as `claimcheck check` would; nothing in a fold's figures has seen that fold's sites.
Bootstrap intervals resample sites, not passages, for the same reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from claimcheck.checker import Checker
from claimcheck.evaluation import EvalResult, Passage, tally
from claimcheck.findings import Report
from claimcheck.nlp.claim_model import ClaimModel
from claimcheck.nlp.embeddings import Embedder
from claimcheck.rules import RuleSet
from claimcheck.training.data import Example
from claimcheck.training.fit import Settings, TrainingSet, fit_model, site_folds

MODES = ("default", "fast")
BOOTSTRAP_ROUNDS = 1000


@dataclass
class ModeResult:
    overall: EvalResult
    by_lang: dict[str, EvalResult]
    interval: tuple[float, float]  # bootstrap 95% interval on micro-F1
    calibration: list[dict[str, float]]  # reliability bins of asserted findings' confidence
    pages: dict[str, Any] = field(default_factory=dict)  # page-level figures, when pages were given

    def as_dict(self, *, errors: bool = False) -> dict[str, Any]:
        overall = self.overall.as_dict()
        if not errors:  # out-of-fold errors quote passages: only on request, never in the model's cv.json
            overall.pop("errors")
        return {
            **overall,
            "micro_f1_95ci": [round(self.interval[0], 4), round(self.interval[1], 4)],
            "by_lang": {
                k: {"micro": v.micro.as_dict(), "false_alarm_rate": round(v.false_alarm_rate, 4)}
                for k, v in self.by_lang.items()
            },
            "calibration": self.calibration,
            "pages": self.pages,
        }


@dataclass
class CVResult:
    folds: int
    seed: int
    passages: int
    sites: int
    modes: dict[str, ModeResult] = field(default_factory=dict)

    def as_dict(self, *, errors: bool = False) -> dict[str, Any]:
        return {
            "folds": self.folds,
            "seed": self.seed,
            "passages": self.passages,
            "sites": self.sites,
            "grouped_by": "site domain",
            "modes": {k: v.as_dict(errors=errors) for k, v in self.modes.items()},
        }


def cross_validate(
    data: TrainingSet,
    ruleset: RuleSet,
    settings: Settings,
    *,
    folds: int = 5,
    seed: int = 0,
    embedder: Embedder | None = None,
    pages: list[Example] | None = None,
    log: Callable[[str], None] = lambda _m: None,
) -> CVResult:
    """`pages` (whole page excerpts) are each checked by the fold model that did not see their site."""
    groups = [e.group for e in data.examples]
    pages = pages or []
    page_reports: dict[str, list[Report | None]] = {m: [None] * len(pages) for m in MODES}
    use_embeddings = data.embeddings is not None
    modes = MODES if use_embeddings else ("fast",)
    reports: dict[str, list[Report | None]] = {m: [None] * len(groups) for m in modes}
    real = np.array([i for i, e in enumerate(data.examples) if not e.extra])
    extra = np.array([i for i, e in enumerate(data.examples) if e.extra], dtype=np.int64)
    splits = [
        (np.concatenate([real[train], extra]), real[test])  # written text always trains, is never scored
        for train, test in site_folds([groups[i] for i in real], folds, seed)
    ]
    folds = len(splits)  # fewer than asked when there are fewer sites
    page_fold = _page_folds(pages, [{groups[i] for i in test} for _train, test in splits])
    for number, (train, test) in enumerate(splits, start=1):
        log(f"fold {number}/{folds}: training on {len(train)} passages, checking {len(test)}")
        part = data.subset(train)
        fast = fit_model(part, settings, use_embeddings=False)
        full = fit_model(part, settings, use_embeddings=True) if use_embeddings else None
        for mode, models in (("default", (fast, full)), ("fast", (fast, None))):
            if mode not in modes:
                continue
            checker = Checker(ruleset=ruleset, models=models, embedder=embedder)
            for i in test:
                example = data.examples[i]
                reports[mode][i] = checker.check_text(
                    example.text, example.lang, id=example.id, url=example.url
                )
            for k, page in enumerate(pages):
                if page_fold[k] == number - 1:
                    page_reports[mode][k] = checker.check_text(page.text, page.lang, id=page.id, url=page.url)
    scored = [data.examples[i] for i in real]
    result = CVResult(folds, seed, len(scored), len({e.group for e in scored}))
    for mode in modes:
        done = [reports[mode][i] for i in real]
        result.modes[mode] = _summarise(scored, [r for r in done if r is not None], seed)
        if pages:
            result.modes[mode].pages = _page_figures(pages, [r for r in page_reports[mode] if r is not None])
    return result


def _page_folds(pages: list[Example], fold_sites: list[set[str]]) -> list[int]:
    """The fold whose model never saw the page's site; a site no passage came from goes to any fold."""
    out = []
    for k, page in enumerate(pages):
        home = next((f for f, sites in enumerate(fold_sites) if page.group in sites), None)
        out.append(home if home is not None else k % len(fold_sites))
    return out


def _page_figures(pages: list[Example], reports: list[Report]) -> dict[str, Any]:
    tp = fp = fn = 0
    relayers = relayers_flagged = 0
    for page, report in zip(pages, reports, strict=True):
        got = set(report.categories)
        tp, fp, fn = tp + len(got & page.labels), fp + len(got - page.labels), fn + len(page.labels - got)
        if page.kind is not None and page.kind != "marketing":
            relayers += 1
            relayers_flagged += bool(got)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {
        "pages": len(pages),
        "micro": {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(2 * tp / max(2 * tp + fp + fn, 1), 4),
        },
        "warning_news_regulator_pages": relayers,
        "warning_news_regulator_pages_flagged": relayers_flagged,
    }


def _passage(example: Example, line: int) -> Passage:
    return Passage(example.id, example.text, example.labels, example.lang, line)


def _summarise(examples: list[Example], reports: list[Report], seed: int) -> ModeResult:
    overall = EvalResult(source="cross-validation")
    by_lang: dict[str, EvalResult] = {}
    for line, (example, report) in enumerate(zip(examples, reports, strict=True), start=1):
        passage = _passage(example, line)
        tally(overall, passage, report)
        tally(
            by_lang.setdefault(example.lang or "und", EvalResult(source=example.lang or "und")),
            passage,
            report,
        )
    return ModeResult(overall, by_lang, _bootstrap(examples, reports, seed), _reliability(examples, reports))


def _bootstrap(examples: list[Example], reports: list[Report], seed: int) -> tuple[float, float]:
    """95% interval of micro-F1 over resampled sites."""
    sites: dict[str, list[int]] = {}
    for i, example in enumerate(examples):
        sites.setdefault(example.group, []).append(i)
    counts = np.zeros((len(examples), 3))  # tp, fp, fn per passage
    for i, (example, report) in enumerate(zip(examples, reports, strict=True)):
        got = set(report.categories)
        counts[i] = (len(got & example.labels), len(got - example.labels), len(example.labels - got))
    per_site = np.array([counts[rows].sum(axis=0) for rows in sites.values()])
    rng = np.random.default_rng(seed)
    scores = []
    for _ in range(BOOTSTRAP_ROUNDS):
        tp, fp, fn = per_site[rng.integers(0, len(per_site), len(per_site))].sum(axis=0)
        scores.append(2 * tp / max(2 * tp + fp + fn, 1))
    low, high = np.percentile(scores, [2.5, 97.5])
    return float(low), float(high)


def _reliability(examples: list[Example], reports: list[Report]) -> list[dict[str, float]]:
    """Of the asserted (passage, category) decisions near each confidence, the share that was right."""
    bins: dict[int, list[bool]] = {}
    for example, report in zip(examples, reports, strict=True):
        best: dict[str, float] = {}
        for f in report.asserted:
            if f.confidence is not None:
                best[f.category] = max(best.get(f.category, 0.0), f.confidence)
        for category, confidence in best.items():
            bins.setdefault(min(int(confidence * 10), 9), []).append(category in example.labels)
    return [
        {"confidence": round((b + 0.5) / 10, 2), "decisions": len(v), "right": round(sum(v) / len(v), 3)}
        for b, v in sorted(bins.items())
    ]


def fit_shipped(data: TrainingSet, settings: Settings) -> tuple[ClaimModel, ClaimModel | None]:
    fast = fit_model(data, settings, use_embeddings=False)
    full = fit_model(data, settings, use_embeddings=True) if data.embeddings is not None else None
    return fast, full
