"""Vocabulary.matrix builds all windows' rows at once, for speed: it must agree with the plain definition."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np

from claimcheck.models import load_models
from claimcheck.nlp.claim_model import TARGETS, PassageFeatures
from claimcheck.nlp.features import RULE_FEATURES, Vocabulary, term_id, terms


def reference_vector(vocabulary: Vocabulary, text: str) -> dict[int, float]:
    """TF-IDF with sublinear tf and an L2-normalised row, written the plain way: the definition."""
    found = [vocabulary.index.get(term_id(t)) for t in terms(text)]
    counts = Counter(column for column in found if column is not None)
    values = {c: (1 + np.log(n)) * float(vocabulary.idf[c]) for c, n in counts.items()}
    norm = np.sqrt(sum(v * v for v in values.values()))
    return {c: v / norm for c, v in values.items()}


def _texts() -> list[str]:
    rng = random.Random(3)
    words = (
        "our stem cells cure autism ALS and diabetes no side effects células madre curan la diabetes "
        "sin riesgo de rechazo FDA approved clinic Tijuana infusions 200 million vial book now ’ “ ” ¿ ?"
    ).split()
    texts = ["", "   ", "zzqx", "Stem cells, stem cells, STEM CELLS!"]
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 80))) for _ in range(400)]
    return texts


def test_vector_matches_the_definition() -> None:
    vocabulary = load_models("shipped")[0].vocabulary
    for text in _texts():
        cols, values = vocabulary.vector(text)
        expected = reference_vector(vocabulary, text)
        assert cols.dtype == np.int64 and values.dtype == np.float32
        assert cols.tolist() == sorted(expected)
        assert np.allclose(values, [expected[c] for c in cols.tolist()], rtol=1e-6, atol=0)


def test_matrix_rows_are_the_vectors_of_each_text() -> None:
    vocabulary = load_models("shipped")[0].vocabulary
    texts = _texts()
    rows, cols, values = vocabulary.matrix(texts)
    assert rows.tolist() == sorted(rows.tolist())
    for i, text in enumerate(texts):
        mine = rows == i
        one_cols, one_values = vocabulary.vector(text)
        assert cols[mine].tolist() == one_cols.tolist()
        assert values[mine].tobytes() == one_values.tobytes()


def test_columns_agree_with_vector() -> None:
    vocabulary = load_models("shipped")[0].vocabulary
    for text in _texts():
        cols, _ = vocabulary.vector(text)
        assert cols.tolist() == sorted({c for _, c in vocabulary.columns(text)})


def test_scores_are_the_dot_products_of_each_row() -> None:
    model = load_models("shipped")[0]
    rng = np.random.default_rng(0)
    passages = [PassageFeatures(t, rng.integers(0, 3, RULE_FEATURES).astype(np.float32)) for t in _texts()]
    scores = model.scores(passages)
    assert scores.shape == (len(passages), len(TARGETS))
    for passage, row in zip(passages, scores, strict=True):
        cols, values = model.vocabulary.vector(passage.text)
        text = model.text_weights[:, cols].astype(np.float64) @ values.astype(np.float64)
        expected = model.intercepts + model.scales["text"] * text
        expected = expected + model.scales["rules"] * (model.rule_weights.astype(np.float64) @ passage.rules)
        assert np.allclose(row, expected, rtol=1e-9, atol=1e-9)
