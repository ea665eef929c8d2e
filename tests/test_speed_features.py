"""Vocabulary.vector was rewritten for speed: it must give bit-identical rows to the original code."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np

from claimcheck.models import load_models
from claimcheck.nlp.features import Vocabulary, term_id, terms


def reference_vector(vocabulary: Vocabulary, text: str) -> tuple[np.ndarray, np.ndarray]:
    """The original Vocabulary.vector, kept as the definition the fast one must match."""
    found = [vocabulary.index.get(term_id(t)) for t in terms(text)]
    counts = Counter(column for column in found if column is not None)
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    cols = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
    values = (1 + np.log(tf)) * vocabulary.idf[cols]
    return cols, values / np.linalg.norm(values)


def _texts() -> list[str]:
    rng = random.Random(3)
    words = (
        "our stem cells cure autism ALS and diabetes no side effects células madre curan la diabetes "
        "sin riesgo de rechazo FDA approved clinic Tijuana infusions 200 million vial book now ’ “ ” ¿ ?"
    ).split()
    texts = ["", "   ", "zzqx", "Stem cells, stem cells, STEM CELLS!"]
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 80))) for _ in range(400)]
    return texts


def test_vector_is_bit_identical() -> None:
    vocabulary = load_models("shipped")[0].vocabulary
    for text in _texts():
        cols, values = vocabulary.vector(text)
        ref_cols, ref_values = reference_vector(vocabulary, text)
        assert cols.dtype == ref_cols.dtype and values.dtype == ref_values.dtype
        assert cols.tolist() == ref_cols.tolist()
        assert values.tobytes() == ref_values.tobytes()


def test_columns_agree_with_vector() -> None:
    vocabulary = load_models("shipped")[0].vocabulary
    for text in _texts():
        cols, _ = vocabulary.vector(text)
        assert cols.tolist() == list(dict.fromkeys(c for _, c in vocabulary.columns(text)))
