"""Where the Checker's claim models come from: the one shipped in the package, or a folder a user trained.

Loaded once per process and shared; a model is a few megabytes of numpy arrays.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from claimcheck.errors import ClaimcheckError
from claimcheck.nlp.claim_model import ClaimModel

Models = tuple[ClaimModel, ClaimModel | None]  # (fast, full): full adds sentence embeddings
SHIPPED = "shipped"
SHIPPED_DIR = Path(__file__).parent / "nlp" / "model"


def load_models(model: str | Path) -> Models:
    """`claimcheck train --out DIR` writes DIR/fast and DIR/full; "shipped" is the package's own."""
    folder = SHIPPED_DIR if str(model) == SHIPPED else Path(model)
    return _load(str(folder.resolve()))


@lru_cache(maxsize=4)
def _load(folder: str) -> Models:
    root = Path(folder)
    if not (root / "fast" / "model.json").is_file():
        raise ClaimcheckError(
            f"{root}: no trained model here (expected fast/ and full/ from `claimcheck train`)"
        )
    fast = ClaimModel.from_disk(root / "fast")
    full = ClaimModel.from_disk(root / "full") if (root / "full" / "model.json").is_file() else None
    return fast, full
