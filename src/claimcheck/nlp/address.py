"""Who speaks, from the page's address: news, reference and government sites are named and laid out unlike
clinics' ("/news/2024/05/...", ".gov", "noticias" against "/stem-cell-therapy-knee", "stemcellclinic").

The words of a passage are the main evidence of its voice; when the address of the page is known (a URL, a web
archive record, a JSONL line with `url`), its terms shift that evidence. Trained with the claim model and saved
in its folder; weights are kept per term id, never the addresses themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from claimcheck.nlp.features import Vocabulary

_LETTERS = re.compile(r"[a-z]{3,}")
_DATED = re.compile(r"/(19|20)\d\d/")


def address_text(url: str | None) -> str:
    """The address as terms: top-level domain, host words and path words ("" when there is no address)."""
    if not url:
        return ""
    try:
        parts = urlsplit(url.strip().lower())
    except ValueError:
        return ""
    host = (parts.hostname or "").removeprefix("www.")
    if not host:
        return ""
    labels = host.split(".")
    # The mark goes last so that features.terms' five-letter stems still join "stemcellclinic" and "stemcells".
    out = [labels[-1] + "_tld"]
    out += [w + "_host" for w in _LETTERS.findall(" ".join(labels[:-1]))]
    out += [w + "_path" for w in _LETTERS.findall(parts.path)]
    if _DATED.search(parts.path):
        out.append("dated_path")  # news and blog archives file stories by year
    return " ".join(out)


def logit(p: np.ndarray | float) -> np.ndarray:
    q = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
    return np.log(q / (1 - q))


@dataclass
class AddressVoice:
    """A linear score of "a seller's page" from address terms, and how it combines with the text's voice:
    marketing = sigmoid(a * logit(text voice) + c * address score + b)."""

    vocabulary: Vocabulary
    weights: np.ndarray  # (vocabulary,)
    intercept: float
    stack: tuple[float, float, float]  # a, c, b

    def score(self, url: str | None) -> float | None:
        text = address_text(url)
        if not text:
            return None
        cols, values = self.vocabulary.vector(text)
        return float(self.intercept + (self.weights[cols] @ values if len(cols) else 0.0))

    def combine(self, marketing: np.ndarray, score: float | None) -> np.ndarray:
        """The text's seller probability, shifted by the address (unchanged when there is none)."""
        if score is None:
            return np.asarray(marketing, dtype=np.float64)
        a, c, b = self.stack
        return 1.0 / (1.0 + np.exp(-(a * logit(marketing) + c * score + b)))

    def to_disk(self, path: Path) -> None:
        np.savez_compressed(
            path,
            term_ids=self.vocabulary.ids(),
            idf=self.vocabulary.idf,
            weights=self.weights.astype(np.float32),
            intercept=np.array([self.intercept]),
            stack=np.array(self.stack, dtype=np.float64),
        )

    @classmethod
    def from_disk(cls, path: Path) -> AddressVoice:
        with np.load(path) as arrays:
            a, c, b = (float(x) for x in arrays["stack"])
            return cls(
                Vocabulary.from_ids(arrays["term_ids"], arrays["idf"]),
                arrays["weights"],
                float(arrays["intercept"][0]),
                (a, c, b),
            )
