"""Who speaks, weighed into each decision: the text's voice, the rest of the page's, and the page's address."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from claimcheck.checker import Checker
from claimcheck.errors import ClaimcheckError
from claimcheck.nlp.address import address_text
from claimcheck.nlp.claim_model import VOICES, ClaimModel, PassageFeatures, marketing_of
from claimcheck.nlp.classifier import Window, seller_voice
from claimcheck.nlp.features import RULE_FEATURES
from claimcheck.rules.model import CATEGORIES
from claimcheck.training.data import read_examples
from claimcheck.training.fit import Settings, TrainingSet, fit_model

# The same words on both kinds of site: only the address tells who speaks.
TEMPLATES = [
    "A page about {x} and {y}.",
    "More on {x} for {y} below.",
    "Read about {x} and {y} here.",
]
WORDS = ["stem cell", "regenerative", "cell therapy", "wellness"]
TOPICS = ["knees", "backs", "autism", "ageing", "diabetes"]


def _rows() -> list[dict[str, object]]:
    """Sellers' sites and news sites' dated story paths, with the same words on both."""
    rows: list[dict[str, object]] = []
    for kind in ("marketing", "neutral"):
        for i, template in enumerate(TEMPLATES):
            for j, topic in enumerate(TOPICS):
                n = len(rows)
                text = template.format(x=WORDS[(i + j) % len(WORDS)], y=topic)
                if kind == "marketing":
                    url = f"https://stemcellclinic{n % 7}.example/stem-cell-therapy-{topic}"
                else:
                    url = f"https://dailynews{n % 7}.example/news/2024/05/health-{topic}"
                rows.append(
                    {"id": f"v{n}", "lang": "en", "text": text, "labels": [], "kind": kind, "source": url}
                )
    return rows


@pytest.fixture(scope="module")
def voiced_model(tmp_path_factory: pytest.TempPathFactory) -> ClaimModel:
    path = tmp_path_factory.mktemp("voice") / "passages.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _rows()), encoding="utf-8")
    examples = read_examples([path])
    rules = np.zeros((len(examples), RULE_FEATURES), np.float32)
    return fit_model(TrainingSet(examples, rules, None), Settings(inner_folds=3), use_embeddings=False)


def _probabilities(model: ClaimModel, text: str) -> np.ndarray:
    return model.probabilities([PassageFeatures(text, np.zeros(RULE_FEATURES, np.float32))])[0]


def test_address_terms_mark_where_each_word_came_from() -> None:
    terms = address_text("https://www.Stemcellclinic.com.mx/news/2023/01/our-cells?x=1").split()
    assert terms[0] == "mx_tld" and "stemcellclinic_host" in terms and "com_host" in terms
    assert "news_path" in terms and "cells_path" in terms and "dated_path" in terms
    assert address_text(None) == address_text("") == address_text("not a url") == ""
    assert address_text("http://[::1") == ""  # a malformed address is no address, not an error


def test_the_address_moves_the_voice_and_the_voices_still_sum_to_one(voiced_model: ClaimModel) -> None:
    assert voiced_model.address is not None
    row = _probabilities(voiced_model, "A page about stem cell and knees.")
    seller_site = voiced_model.with_address(row, "https://stemcellclinic3.example/stem-cell-therapy-knees")
    news_site = voiced_model.with_address(row, "https://dailynews2.example/news/2024/06/health-knees")
    assert marketing_of(seller_site) > marketing_of(row) > marketing_of(news_site)
    for voiced in (seller_site, news_site):
        assert abs(float(voiced[len(CATEGORIES) :].sum()) - 1.0) < 1e-6
        assert np.array_equal(voiced[: len(CATEGORIES)], row[: len(CATEGORIES)])  # categories untouched
    assert np.array_equal(voiced_model.with_address(row, None), row)


def test_a_claim_weighs_less_when_a_seller_is_less_likely_to_speak(voiced_model: ClaimModel) -> None:
    row = np.full(len(CATEGORIES) + len(VOICES), 0.5)
    low, high = voiced_model.asserted(row, 0.1), voiced_model.asserted(row, 0.9)
    assert low.shape == (len(CATEGORIES),) and np.all(low <= high)
    plain = ClaimModel(**{**voiced_model.__dict__, "asserted_calibration": None})
    assert np.array_equal(plain.asserted(row, 0.1), row[: len(CATEGORIES)])  # older models: category alone


def test_seller_voice_is_the_window_own_for_one_window_and_leans_on_the_page_for_many() -> None:
    def window(start: int, end: int, marketing: float) -> Window:
        probs = np.zeros(len(CATEGORIES) + len(VOICES))
        probs[len(CATEGORIES) + VOICES.index("marketing")] = marketing
        probs[len(CATEGORIES) + VOICES.index("neutral")] = 1 - marketing
        return Window(start, end, probs)

    assert seller_voice([window(0, 100, 0.8)]).tolist() == pytest.approx([0.8])
    quote, story = seller_voice([window(0, 100, 0.9), window(100, 400, 0.1)])
    assert 0.1 < story < quote < 0.9  # a seller's quote in a news story is weighed with the story
    assert seller_voice([]).size == 0


def test_the_checker_reads_the_address_of_the_page(voiced_model: ClaimModel) -> None:
    checker = Checker(model=None, models=(voiced_model, None))
    # Long enough for the page's own windows to outweigh voice.PRIOR (a lone sentence leans to a seller).
    text = " ".join(t.format(x=x, y="knees") for t in TEMPLATES for x in WORDS)
    seller = checker.check_text(text, "en", url="https://stemcellclinic1.example/stem-cell-therapy-knees")
    news = checker.check_text(text, "en", url="https://dailynews5.example/news/2024/02/health-knees")
    assert seller.page_voice == "marketing" and news.page_voice != "marketing"


def test_address_state_round_trips_and_a_damaged_one_is_one_clear_error(
    voiced_model: ClaimModel, tmp_path: Path
) -> None:
    voiced_model.to_disk(tmp_path / "m")
    loaded = ClaimModel.from_disk(tmp_path / "m")
    url = "https://dailynews5.example/news/2024/02/health-knees"
    row = _probabilities(voiced_model, "Experts said more study is needed.")
    assert np.allclose(voiced_model.with_address(row, url), loaded.with_address(row, url))
    (tmp_path / "m" / "address.npz").write_bytes(b"not numpy")
    with pytest.raises(ClaimcheckError, match=r"damaged address\.npz"):
        ClaimModel.from_disk(tmp_path / "m")
