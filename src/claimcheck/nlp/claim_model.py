"""The learned claim model's trained state: linear weights over passage features, applied with numpy.

One logistic model per target: the nine categories ("does this passage assert it, in its own voice?") and
the four voices ("who speaks": marketing, cautionary, neutral, regulator). Scores are calibrated (Platt, fitted
on out-of-fold predictions), so a confidence of 0.8 means about 80% of such decisions were right in
cross-validation. A claim is a category said in a seller's own voice, so the decision weighs the two together:
`asserted` combines a category's log-odds with the seller voice's (weights fitted out of fold).
Saved as a folder: model.json (settings, thresholds, figures), weights.npz (term ids, never the words of the
training text; weights; calibration) and address.npz; `to_disk`/`from_disk` as spaCy components do.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from claimcheck.errors import ClaimcheckError
from claimcheck.nlp.address import AddressVoice, logit
from claimcheck.nlp.features import RULE_FEATURES, Vocabulary, rule_feature_name
from claimcheck.rules.model import CATEGORIES

VOICES = ("marketing", "cautionary", "neutral", "regulator")
TARGETS = (*CATEGORIES, *VOICES)
FORMAT_VERSION = 2  # 2: asserted_calibration (who speaks, weighed into each decision) and address.npz
CONFIRM_PREFIX = "confirm:"  # thresholds["confirm:cure_all"]: the bar for a rule's asserted hit
EMBEDDING_DIM = 384
ADDRESS_FILE = "address.npz"


def calibrated(raw: np.ndarray, calibration: np.ndarray) -> np.ndarray:
    """Raw scores (passages, targets) -> probabilities: Platt per target, the voices normalised to sum to one."""
    probs = 1.0 / (1.0 + np.exp(-(calibration[:, 0] * raw + calibration[:, 1])))
    voices = probs[:, len(CATEGORIES) :]
    probs[:, len(CATEGORIES) :] = voices / np.maximum(voices.sum(axis=1, keepdims=True), 1e-9)
    return probs


def marketing_of(probabilities: np.ndarray) -> np.ndarray:
    """The probability that a seller speaks, from rows of `calibrated` probabilities."""
    return np.asarray(probabilities)[..., len(CATEGORIES) + VOICES.index("marketing")]


@dataclass
class PassageFeatures:
    """What the model reads of one passage: its text, its rule hits and (optionally) its embedding."""

    text: str
    rules: np.ndarray  # features.rule_vector
    embedding: np.ndarray | None = None


@dataclass
class ClaimModel:
    vocabulary: Vocabulary
    text_weights: np.ndarray  # (targets, vocabulary)
    rule_weights: np.ndarray  # (targets, RULE_FEATURES)
    embedding_weights: np.ndarray | None  # (targets, EMBEDDING_DIM), or None for a model without embeddings
    intercepts: np.ndarray  # (targets,)
    calibration: np.ndarray  # (targets, 2): p = sigmoid(a * score + b)
    thresholds: dict[str, float]  # per category (adding a claim) and "confirm:<category>" (a rule's hit)
    # (categories, 3): q = sigmoid(a * logit(p_category) + c * logit(p_marketing) + b); None: category alone
    asserted_calibration: np.ndarray | None = None
    address: AddressVoice | None = None  # who speaks, from the page's address (nlp/address.py)
    scales: dict[str, float] = field(default_factory=lambda: {"text": 1.0, "rules": 1.0, "embedding": 1.0})
    card: dict[str, Any] = field(
        default_factory=dict
    )  # data, CV figures, date, command (written by training)

    def confirm_bar(self, category: str) -> float:
        """The bar a rule's asserted hit must clear to be kept (the bar for adding a claim is thresholds[c])."""
        return self.thresholds.get(CONFIRM_PREFIX + category, self.thresholds[category])

    @property
    def uses_embeddings(self) -> bool:
        return self.embedding_weights is not None

    # -- scoring -----------------------------------------------------------------------------------------
    def scores(self, passages: Sequence[PassageFeatures]) -> np.ndarray:
        """Raw linear scores, (passages, targets), for all passages at once."""
        out = np.tile(self.intercepts, (len(passages), 1)).astype(np.float64)
        if not passages:
            return out
        rows, cols, values = self.vocabulary.matrix([p.text for p in passages])
        if len(rows):
            # Sum each passage's terms: rows are sorted, so each passage's terms are one run (reduceat).
            firsts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
            # (targets, all terms of all passages)
            contributions = self.text_weights[:, cols] * values.astype(np.float64)
            out[rows[firsts]] += self.scales["text"] * np.add.reduceat(contributions, firsts, axis=1).T
        rules = np.stack([p.rules for p in passages]).astype(np.float64)
        out += self.scales["rules"] * (rules @ self.rule_weights.T.astype(np.float64))
        if self.embedding_weights is not None:
            embedded = [i for i, p in enumerate(passages) if p.embedding is not None]
            if embedded:
                vectors = np.stack([passages[i].embedding for i in embedded])  # type: ignore[misc]
                out[embedded] += self.scales["embedding"] * (vectors @ self.embedding_weights.T)
        return out

    def probabilities(self, passages: Sequence[PassageFeatures]) -> np.ndarray:
        """Calibrated probabilities, (passages, targets); the voices are normalised to sum to one."""
        return calibrated(self.scores(passages), self.calibration)

    def with_address(self, probabilities: np.ndarray, url: str | None) -> np.ndarray:
        """Rows of `probabilities()` whose voices take the page's address into account (when known)."""
        score = self.address.score(url) if self.address is not None else None
        if score is None:
            return probabilities
        assert self.address is not None
        out = np.array(probabilities, dtype=np.float64)
        m = marketing_of(out)
        adjusted = self.address.combine(m, score)
        k = len(CATEGORIES) + VOICES.index("marketing")
        others = [len(CATEGORIES) + i for i, v in enumerate(VOICES) if v != "marketing"]
        share = (1 - adjusted) / np.maximum(1 - m, 1e-9)
        out[..., others] *= np.asarray(share)[..., None]
        out[..., k] = adjusted
        return out

    def asserted(self, probabilities: np.ndarray, marketing: float | np.ndarray) -> np.ndarray:
        """Calibrated probability that each category is asserted by a seller, from `probabilities` (the
        categories' columns of `probabilities()`, one row or many) and the probability a seller speaks."""
        p = np.asarray(probabilities, dtype=np.float64)[..., : len(CATEGORIES)]
        if self.asserted_calibration is None:
            return p
        m = np.asarray(marketing, dtype=np.float64)
        if m.ndim:
            m = m[:, None]
        a, c, b = (self.asserted_calibration[:, k] for k in range(3))
        return 1.0 / (1.0 + np.exp(-(a * logit(p) + c * logit(m) + b)))

    def explain(self, passage: PassageFeatures, category: str, top: int = 5) -> tuple[str, ...]:
        """The features that pushed this category's score up the most, strongest first."""
        j = TARGETS.index(category)
        names: list[str] = []
        weights: list[float] = []
        cols, values = self.vocabulary.vector(passage.text)
        if len(cols):
            value_of = dict(zip(cols.tolist(), values.tolist(), strict=True))
            named = {column: term for term, column in self.vocabulary.columns(passage.text)}
            for column, term in named.items():  # the checked text's own words, never stored ones
                names.append(term)
                weights.append(self.scales["text"] * float(self.text_weights[j, column]) * value_of[column])
        rule_contrib = self.scales["rules"] * self.rule_weights[j] * passage.rules
        for i in np.flatnonzero(rule_contrib):
            names.append(rule_feature_name(int(i)))
            weights.append(float(rule_contrib[i]))
        if self.embedding_weights is not None and passage.embedding is not None:
            names.append("meaning of the passage (embedding)")
            weights.append(float(self.scales["embedding"] * self.embedding_weights[j] @ passage.embedding))
        order = sorted(range(len(names)), key=lambda i: -weights[i])
        return tuple(names[i] for i in order[:top] if weights[i] > 0)

    # -- persistence -------------------------------------------------------------------------------------
    def to_disk(self, path: str | Path) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        arrays = {
            "term_ids": self.vocabulary.ids(),
            "idf": self.vocabulary.idf,
            "text_weights": self.text_weights.astype(np.float32),
            "rule_weights": self.rule_weights.astype(np.float32),
            "intercepts": self.intercepts.astype(np.float64),
            "calibration": self.calibration.astype(np.float64),
        }
        if self.asserted_calibration is not None:
            arrays["asserted_calibration"] = self.asserted_calibration.astype(np.float64)
        if self.embedding_weights is not None:
            arrays["embedding_weights"] = self.embedding_weights.astype(np.float32)
        np.savez_compressed(folder / "weights.npz", **arrays)  # type: ignore[arg-type]
        if self.address is not None:
            self.address.to_disk(folder / ADDRESS_FILE)
        settings = {
            "format": FORMAT_VERSION,
            "targets": list(TARGETS),
            "thresholds": self.thresholds,
            "scales": self.scales,
            "card": self.card,
        }
        (folder / "model.json").write_text(
            json.dumps(settings, indent=1, ensure_ascii=False), encoding="utf-8"
        )

    @classmethod
    def from_disk(cls, path: str | Path) -> ClaimModel:
        folder = Path(path)
        try:
            settings = json.loads((folder / "model.json").read_text(encoding="utf-8"))
            with np.load(folder / "weights.npz") as weights:
                arrays = {name: weights[name] for name in weights.files}
        except (OSError, ValueError, KeyError) as exc:
            raise ClaimcheckError(f"{folder}: not a claimcheck model folder ({exc})") from None
        if settings.get("format") != FORMAT_VERSION or tuple(settings.get("targets", ())) != TARGETS:
            raise ClaimcheckError(f"{folder}: model made by another claimcheck version (retrain it)")
        vocabulary = Vocabulary.from_ids(arrays["term_ids"], arrays["idf"])
        try:
            address = (
                AddressVoice.from_disk(folder / ADDRESS_FILE) if (folder / ADDRESS_FILE).exists() else None
            )
        except (OSError, ValueError, KeyError) as exc:
            raise ClaimcheckError(f"{folder}: damaged {ADDRESS_FILE} ({exc})") from None
        stack = arrays.get("asserted_calibration")
        if (
            arrays["text_weights"].shape != (len(TARGETS), vocabulary.size)
            or arrays["rule_weights"].shape != (len(TARGETS), RULE_FEATURES)
            or (stack is not None and stack.shape != (len(CATEGORIES), 3))
        ):
            raise ClaimcheckError(f"{folder}: weights do not fit the vocabulary (a damaged model folder)")
        return cls(
            vocabulary=vocabulary,
            text_weights=arrays["text_weights"],
            rule_weights=arrays["rule_weights"],
            embedding_weights=arrays.get("embedding_weights"),
            intercepts=arrays["intercepts"],
            calibration=arrays["calibration"],
            asserted_calibration=stack,
            address=address,
            thresholds={k: float(v) for k, v in settings["thresholds"].items()},
            scales={k: float(v) for k, v in settings["scales"].items()},
            card=settings.get("card", {}),
        )
