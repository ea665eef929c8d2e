"""The model card beside the weights: data, split, cross-validated figures with intervals, date, command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from claimcheck.rules.model import CATEGORIES
from claimcheck.training.cv import CVResult
from claimcheck.training.data import EXTRA_WEIGHT

KNOWN_LIMITS = """\
- Trained on about a thousand passages: categories with few examples (regulatory_misrep, pressure_pricing,
  risky_route) rest mostly on the rules; their model figures have wide intervals.
- Judges passage-sized windows (1-3 sentences). A claim split between a heading and a later paragraph, or
  carried by the page's layout, is seen only in part.
- Who speaks is learned from the wording of the text and, when it is known, the page's address: a news page
  written in a seller's tone on an address that does not give it away can pass as marketing, and a clinic
  quoting a warning can pass as cautionary. Page excerpts' voices cluster near the 0.5 gate: a rule hit on a
  news page whose voice reads as a seller's is taken as the page's own claim.
- In the default mode only windows the word model already finds at all suspect (a category at 0.15 or more)
  are embedded, in the figures above as in use: embedding costs about 0.05 s a window. Embedding every window
  measured no higher micro-F1 than this, for about seven times the embeddings on a long page.
- A lone sentence has little for the model to go on, and the weights carry real pages' habits: in one
  sentence selling stem-cell capsules that cure Parkinson's with no side effects, only "no side effects" is
  kept; the capsule and the cure are dismissed (real pages that sell capsules or creams rarely promise cures,
  so an oral-product hit lowers the cure-all score). `--no-model` shows every rule hit; dismissed hits are in
  the JSON report.
- The rule packs were written and narrowed by reading errors on these same passages; the folds keep the model
  honest, not the rules, so the rules' share of the figures is somewhat optimistic.
- Figures are on English and Spanish web text about stem-cell treatments; other genres are untested.
"""


def write_card(path: Path, card: dict[str, Any], result: CVResult) -> None:
    first = next(iter(result.modes))  # "default" when embeddings were trained, else "fast"
    lines = [
        "# Model card: claimcheck claim classifier",
        "",
        f"Trained {card['trained_at']} with claimcheck {card['claimcheck_version']} by:",
        "",
        f"    {card['command']}",
        "",
        "## What it is",
        "One-vs-rest logistic regression per category and per voice (who speaks: marketing, cautionary,",
        "neutral, regulator) over TF-IDF of folded words, word pairs and 5-letter stems, the rule packs' hits",
        "(category x context counts) and, in the default mode, a multilingual-e5-small embedding of the window",
        "(`full/`); `fast/` has no embedding. In `full/` words and embedding are two regressions whose log-odds",
        "add (its word weights are `fast/`'s). A short model of the page's address (`address.npz`: top-level domain,",
        "host and path words) shifts the voice when the address is known. A claim is a category in a seller's own",
        "voice, so each decision combines the category's log-odds with the seller voice's (a two-input Platt",
        "scaling fitted out of fold). Scores are Platt-calibrated on out-of-fold predictions; per-category",
        "thresholds maximise F0.5 out of fold, then all bars rise together while the inner folds would flag more",
        "label-less passages than the false-alarm budget (`Settings.false_alarm_budget`;",
        "`fast_false_alarm_budget` for `--fast`). Weights are applied with numpy at run time.",
        "",
        "## Data",
        f"{card['passages']} real labelled passages ({card['labelled_passages']} with a category) from"
        f" {card['sites']} sites: {', '.join(card['data'])}."
        + (
            f" Also trained on (never scored) {card.get('extra_passages', 0)} passages written for the project:"
            f" {', '.join(card.get('extra_training_only', []))}, at a weight of {EXTRA_WEIGHT} each."
            if card.get("extra_passages")
            else ""
        ),
        "Each was labelled by two annotators working blind, disagreements adjudicated (agreement micro-F1 0.876:",
        "about the ceiling a machine can be measured against). No passage text is stored in this folder.",
        "",
        f"## Cross-validated figures ({result.folds} folds grouped by site, seed {result.seed})",
        "Every figure checks passages whose site the model never saw, through the whole checker (rules, context,",
        "model, page voice). 95% intervals resample sites.",
        "",
        "| mode | precision | recall | micro-F1 (95% CI) | label-less passages flagged | en F1 | es F1 |",
        "|---|---|---|---|---|---|---|",
    ]
    for mode, r in result.modes.items():
        m = r.overall.micro
        by = {k: v.micro.f1 for k, v in r.by_lang.items()}
        lines.append(
            f"| {mode} | {m.precision:.3f} | {m.recall:.3f} | {m.f1:.3f} ({r.interval[0]:.3f}-{r.interval[1]:.3f})"
            f" | {r.overall.false_alarm_rate:.1%} | {by.get('en', 0):.3f} | {by.get('es', 0):.3f} |"
        )
    for mode, r in result.modes.items():
        if r.pages:
            pm = r.pages["micro"]
            lines.append(
                f"\n{mode} mode on {r.pages['pages']} whole page excerpts, each checked by the fold model that never"
                f" saw its site: precision {pm['precision']:.3f}, recall {pm['recall']:.3f}, F1 {pm['f1']:.3f};"
                f" warning, news and regulator pages flagged: {r.pages['warning_news_regulator_pages_flagged']}"
                f" of {r.pages['warning_news_regulator_pages']}."
            )
    lines += [
        "",
        f"Per category ({first} mode):",
        "",
        "| category | support | precision | recall | F1 |",
        "|---|---|---|---|---|",
    ]
    default = result.modes[first].overall
    for category in CATEGORIES:
        c = default.per_category[category]
        lines.append(f"| {category} | {c.tp + c.fn} | {c.precision:.2f} | {c.recall:.2f} | {c.f1:.2f} |")
    lines += [
        "",
        f"Calibration ({first} mode; asserted decisions by confidence):",
        "",
        "| confidence | decisions | right |",
        "|---|---|---|",
    ]
    for row in result.modes[first].calibration:
        lines.append(f"| {row['confidence']:.2f} | {row['decisions']} | {row['right']:.2f} |")
    lines += ["", "## Known limits", KNOWN_LIMITS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
