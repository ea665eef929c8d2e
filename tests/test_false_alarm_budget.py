"""Training raises every bar together until the inner folds flag at most Settings.false_alarm_budget of the
label-less passages: per-category thresholds alone let the categories' false alarms add up."""

from __future__ import annotations

import numpy as np

from claimcheck.nlp.claim_model import CONFIRM_PREFIX
from claimcheck.rules.model import CATEGORIES
from claimcheck.training.fit import BAR_LIMIT, MAX_RAISE, Settings, _within_budget

BARS = {**{c: 0.5 for c in CATEGORIES}, **{CONFIRM_PREFIX + c: 0.4 for c in CATEGORIES}}


def _flag_rate(bars: dict[str, float], asserted: np.ndarray, ruled: np.ndarray) -> float:
    add = np.array([bars[c] for c in CATEGORIES])
    confirm = np.array([bars[CONFIRM_PREFIX + c] for c in CATEGORIES])
    return float(((ruled & (asserted >= confirm)) | (~ruled & (asserted >= add))).any(axis=1).mean())


def test_bars_rise_until_the_budget_holds() -> None:
    rng = np.random.default_rng(0)
    asserted = rng.uniform(0, 0.62, size=(400, len(CATEGORIES)))
    ruled = rng.uniform(size=asserted.shape) < 0.1
    assert _flag_rate(BARS, asserted, ruled) > 0.1
    bars = _within_budget(BARS, asserted, ruled, 0.1)
    assert _flag_rate(bars, asserted, ruled) <= 0.1
    raised = {name: round(bars[name] - BARS[name], 3) for name in BARS}
    assert len(set(raised.values())) == 1 and next(iter(raised.values())) > 0  # all by the same step
    one_step_less = {name: bar - 0.025 for name, bar in bars.items()}
    assert _flag_rate(one_step_less, asserted, ruled) > 0.1  # and no further than needed


def test_bars_stay_when_within_budget_or_nothing_is_label_less() -> None:
    low = np.full((50, len(CATEGORIES)), 0.1)
    assert _within_budget(BARS, low, np.zeros(low.shape, dtype=bool), Settings().false_alarm_budget) == BARS
    empty = np.zeros((0, len(CATEGORIES)))
    assert _within_budget(BARS, empty, empty.astype(bool), Settings().false_alarm_budget) == BARS


def test_bars_rise_a_bounded_amount_and_never_past_the_limit() -> None:
    certain = np.ones((20, len(CATEGORIES)))
    nothing_ruled = np.zeros(certain.shape, dtype=bool)
    bars = _within_budget(BARS, certain, nothing_ruled, 0.0)
    assert max(bars.values()) <= BAR_LIMIT
    assert all(bars[name] - BARS[name] <= MAX_RAISE + 1e-9 for name in BARS)
