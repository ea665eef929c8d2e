"""`claimcheck train`: features for every passage, grouped cross-validation, the final fit, the model card."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from claimcheck import __version__
from claimcheck.checker import Checker
from claimcheck.nlp.embeddings import Embedder, training_cache
from claimcheck.nlp.features import rule_vector
from claimcheck.rules import RuleSet
from claimcheck.training.card import write_card
from claimcheck.training.cv import CVResult, cross_validate, fit_shipped
from claimcheck.training.data import read_examples
from claimcheck.training.fit import Settings, TrainingSet


def build_training_set(
    paths: list[Path],
    ruleset: RuleSet,
    *,
    embeddings: bool,
    embedder: Embedder | None,
    extra: list[Path] | None = None,
) -> TrainingSet:
    """Rule hits from the rules alone (as the classifier sees them in the pipeline), and embeddings.

    `extra` files (text written for the project) train the model at a small weight (data.EXTRA_WEIGHT) and are never scored.
    """
    examples = read_examples(paths) + (read_examples(extra, extra=True) if extra else [])
    rules_only = Checker(ruleset=ruleset, model=None)
    rules = np.stack(
        [
            rule_vector((f.category, f.context) for f in rules_only.check_text(e.text, e.lang).findings)
            for e in examples
        ]
    )
    vectors = None
    if embeddings:
        assert embedder is not None
        texts = [e.text.strip() for e in examples]
        vectors = embedder.embed(texts)
        embedder.save()
    return TrainingSet(examples, rules, vectors)


def train(
    paths: list[Path],
    out: Path,
    ruleset: RuleSet,
    *,
    settings: Settings,
    folds: int,
    embeddings: bool = True,
    pages: list[Path] | None = None,
    extra: list[Path] | None = None,
    command: str = "",
    log: Callable[[str], None] = lambda _m: None,
) -> CVResult:
    started = time.perf_counter()
    # One thread: the same vectors on every machine. The store keeps them between runs.
    embedder = Embedder(threads=1, store=training_cache()) if embeddings else None
    log(f"reading {len(paths)} file(s) and computing features")
    data = build_training_set(paths, ruleset, embeddings=embeddings, embedder=embedder, extra=extra)
    page_examples = read_examples(pages) if pages else None
    result = cross_validate(
        data,
        ruleset,
        settings,
        folds=folds,
        seed=settings.seed,
        embedder=embedder,
        pages=page_examples,
        log=log,
    )
    log("fitting the shipped models on all passages")
    fast, full = fit_shipped(data, settings)
    card = _card(paths, data, result, settings, command, time.perf_counter() - started, pages)
    for name, model in (("fast", fast), ("full", full)):
        if model is None:
            continue
        model.card = card
        model.to_disk(out / name)
    (out / "cv.json").write_text(json.dumps(result.as_dict(), indent=1), encoding="utf-8")
    write_card(out / "MODEL_CARD.md", card, result)
    return result


def _card(
    paths: list[Path],
    data: TrainingSet,
    result: CVResult,
    settings: Settings,
    command: str,
    seconds: float,
    pages: list[Path] | None,
) -> dict[str, Any]:
    labelled = sum(bool(e.labels) for e in data.examples if not e.extra)
    return {
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "claimcheck_version": __version__,
        "command": command,
        "data": [str(p) for p in paths],
        "passages": sum(not e.extra for e in data.examples),
        "extra_passages": sum(e.extra for e in data.examples),
        "labelled_passages": labelled,
        "sites": result.sites,
        "settings": asdict(settings),
        "embeddings": data.embeddings is not None,
        "pages": [str(p) for p in pages or []],
        "extra_training_only": sorted({e.group.split("#")[0] for e in data.examples if e.extra}),
        "training_seconds": round(seconds, 1),
        "cv": {
            mode: {
                "micro": r.overall.micro.as_dict(),
                "micro_f1_95ci": [round(x, 3) for x in r.interval],
                "false_alarm_rate": round(r.overall.false_alarm_rate, 4),
                "pages": r.pages,
            }
            for mode, r in result.modes.items()
        },
    }
