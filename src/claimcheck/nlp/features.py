"""Features of a passage for the learned claim classifier: words, word pairs, word stems and rule hits.

The same code turns a passage into a feature vector at training time and when a page is checked, so the
two can never drift apart. Only numpy and the standard library: checking never needs scikit-learn.
"""

from __future__ import annotations

import itertools
import math
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from claimcheck.rules.model import CATEGORIES
from claimcheck.textnorm import fold

CONTEXTS = ("asserted", "negated", "cautionary", "question", "hypothetical", "attributed")
RULE_FEATURES = len(CATEGORIES) * len(CONTEXTS)
RULE_HIT_CAP = 2  # two hits of a category say as much as ten: keeps long lists from dominating
STEM = 5  # words longer than this also count by their first five letters: "infusiones" ~ "infusion"

_WORD = re.compile(r"\w+")


def terms(text: str) -> list[str]:
    """The terms of a passage: folded words, adjacent word pairs, and stems of long words."""
    words = _WORD.findall(fold(text))
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(words)]
    stems = ["~" + w[:STEM] for w in words if len(w) > STEM]
    return words + pairs + stems


def rule_vector(hits: Iterable[tuple[str, str]]) -> np.ndarray:
    """(category, context) pairs of rule findings -> capped counts, one slot per category and context."""
    vector = np.zeros(RULE_FEATURES, dtype=np.float32)
    for category, context in hits:
        if category in CATEGORIES and context in CONTEXTS:
            vector[CATEGORIES.index(category) * len(CONTEXTS) + CONTEXTS.index(context)] += 1
    return np.minimum(vector, RULE_HIT_CAP)


def rule_feature_name(index: int) -> str:
    category, context = divmod(index, len(CONTEXTS))
    return f"rule hit: {CATEGORIES[category]} ({CONTEXTS[context]})"


def term_id(term: str) -> int:
    """A stable 32-bit id: the model stores ids, never the words of the text it was trained on."""
    return zlib.crc32(term.encode("utf-8"))


@dataclass
class Vocabulary:
    """Term id -> column, with inverse document frequencies (TF-IDF, sublinear tf, L2-normalised rows)."""

    index: dict[int, int]
    idf: np.ndarray

    @classmethod
    def fit(cls, texts: Sequence[str], min_df: int = 2) -> Vocabulary:
        df: Counter[int] = Counter()
        for text in texts:
            df.update({term_id(t) for t in terms(text)})
        kept = sorted(t for t, n in df.items() if n >= min_df)
        n_docs = len(texts)
        idf = np.array([math.log((1 + n_docs) / (1 + df[t])) + 1 for t in kept], dtype=np.float32)
        return cls({t: i for i, t in enumerate(kept)}, idf)

    @classmethod
    def from_ids(cls, ids: np.ndarray, idf: np.ndarray) -> Vocabulary:
        return cls({int(t): i for i, t in enumerate(ids.tolist())}, idf)

    @property
    def size(self) -> int:
        return len(self.index)

    def ids(self) -> np.ndarray:
        out = np.zeros(self.size, dtype=np.int64)
        for term, column in self.index.items():
            out[column] = term
        return out

    def columns(self, text: str) -> list[tuple[str, int]]:
        """(term, column) for each term of the text the vocabulary knows, in text order."""
        found = []
        for term in terms(text):
            column = self.index.get(term_id(term))
            if column is not None:
                found.append((term, column))
        return found

    def _term_columns(self, text: str) -> list[int]:
        """The columns of columns(text), without the terms: the model scores every window with these.

        term_id() inlined: a function call per term was a third of the work on a window.
        """
        get, crc32 = self.index.get, zlib.crc32
        found = [get(crc32(term.encode("utf-8"))) for term in terms(text)]
        return [column for column in found if column is not None]

    def matrix(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """TF-IDF rows of many texts (sublinear tf, L2-normalised) as sparse (rows, columns, values).

        Sorted by row, then column. Training and checking both build their rows here, and all texts at
        once: per-text counting and normalising cost as much as extracting the terms.
        """
        columns: list[int] = []
        lengths = np.zeros(len(texts), dtype=np.int64)
        for i, text in enumerate(texts):
            found = self._term_columns(text)
            columns += found
            lengths[i] = len(found)
        owner = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        width = max(self.size, 1)
        keys, tf = np.unique(owner * width + np.asarray(columns, dtype=np.int64), return_counts=True)
        rows, cols = np.divmod(keys, width)
        values = (1 + np.log(tf.astype(np.float32))) * self.idf[cols]
        norms = np.sqrt(np.bincount(rows, weights=np.square(values, dtype=np.float64), minlength=len(texts)))
        return rows, cols, (values / norms[rows]).astype(np.float32)

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """One text's TF-IDF row as (columns, values), as matrix() computes it."""
        _rows, cols, values = self.matrix([text])
        return cols, values
