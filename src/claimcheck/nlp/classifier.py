"""The "claimcheck_classifier" component: a learned judge of whether a passage asserts a claim.

It runs after the rule matcher and the context component. The text is cut into passage-sized windows
(1-3 sentences within a block, as the labelled data is); each window is scored for the nine categories and
for who speaks, from its words, its rule hits and, in the default mode, its meaning (an embedding). Then:
- a rule finding the model confirms keeps its span and message and gains the model's confidence;
- an asserted rule finding the model does not confirm is dismissed (kept aside, with its probability);
- a category the model finds with no rule behind it becomes a "model" finding on the sentence that carries it.
Window scores and voices stay on the Doc (`doc._.windows`) for the page-level voice the Checker computes.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span

from claimcheck.nlp.claim_model import VOICES, ClaimModel, PassageFeatures, marketing_of
from claimcheck.nlp.embeddings import Embedder, EmbeddingsUnavailable
from claimcheck.nlp.extensions import SPANS_KEY, _accessors
from claimcheck.nlp.features import rule_vector
from claimcheck.nlp.matcher import CHECKED_KEY
from claimcheck.nlp.sentences import _boundaries
from claimcheck.rules.model import CATEGORIES

WINDOW_CHARS = 450  # the labelled passages are 1-3 sentences, rarely longer than this
WINDOW_SENTENCES = 3
# In the default mode only windows the cheap model already finds suspect (some category at or above this) are
# embedded: embedding is the slow step. The full model's bars are chosen on passages that were all embedded, so
# every window the cheap model leaves unembedded is judged by a model the bars were not chosen for. Grouped CV
# (fold seeds 0-2): at 0.3, F1 0.523 and a quarter of the claims the full model would find never reached it;
# at 0.15, F1 0.549 with 7.7% false alarms (0.544 / 7.4% at the lower budget that ships); embedding every window
# (0) added nothing over 0.15 and costs 97 embeddings instead of 13 on an 18 KB seed page.
SUSPECT = 0.15
MODEL_RULE_PREFIX = "model."
URL_KEY = "claimcheck.url"  # Doc.user_data: the checked page's address, when known
PAGE_WEIGHT = 0.5  # in a window's seller voice, the share of the whole text's voice (seller_voice)
# A claim no rule words is added when one window clears the bar. The bar is calibrated on passages of one
# window; a page of a hundred windows has a hundred chances for one to clear it by noise, so the bar rises by
# this much for every tenfold more windows (0 for a single passage, +0.2 for a hundred windows). Long real
# warning pages (the seeds) each got one such claim at 0.60-0.64 without it; with it the passage bar could
# come down from 0.6 to 0.55 (fit.Settings.add_floor).
BAR_PER_DECADE = 0.1
BAR_CAP = 0.9


@dataclass
class Window:
    start: int
    end: int
    probabilities: np.ndarray  # calibrated, one per claim_model.TARGETS

    @property
    def voice(self) -> dict[str, float]:
        return dict(zip(VOICES, self.probabilities[len(CATEGORIES) :].tolist(), strict=True))


_MODEL_ATTRIBUTES = {"detector": "rule", "confidence": None, "top_terms": (), "dismissed": False}


def register_model_extensions() -> None:
    """Idempotent, like extensions.register: what the model adds to each finding, and the window scores."""
    for name, default in _MODEL_ATTRIBUTES.items():
        if not Span.has_extension(name):
            getter, setter = _accessors(name, default)
            Span.set_extension(name, getter=getter, setter=setter)
    if not Doc.has_extension("windows"):
        Doc.set_extension("windows", default=None)


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    _text, bounds = _boundaries(doc)
    return list(itertools.pairwise(bounds))


@Language.factory("claimcheck_classifier", default_config={"spans_key": SPANS_KEY})
def make_classifier(nlp: Language, name: str, spans_key: str) -> ClaimClassifier:
    return ClaimClassifier(spans_key)


class ClaimClassifier:
    """Models are set after construction (`use`): they are folders on disk, not config values."""

    def __init__(self, spans_key: str = SPANS_KEY) -> None:
        register_model_extensions()
        self.spans_key = spans_key
        self.fast: ClaimModel | None = None
        self.full: ClaimModel | None = None
        self.embedder: Embedder | None = None

    def use(self, fast: ClaimModel, full: ClaimModel | None = None, embedder: Embedder | None = None) -> None:
        self.fast, self.full = fast, full
        self.embedder = embedder if full is not None else None
        if full is not None and self.embedder is None:
            self.embedder = Embedder()

    def __call__(self, doc: Doc) -> Doc:
        if self.fast is None:
            return doc
        text = doc.user_data.get("claimcheck.text") or doc.text
        spans = sorted(doc.spans.get(self.spans_key, []), key=lambda s: s.start_char)
        starts = [s.start_char for s in spans]
        checked_to = doc.user_data.get(CHECKED_KEY, (0, len(text)))[
            1
        ]  # past the hit budget nothing is judged
        windows = [(s, e) for s, e in passage_windows(doc) if s < checked_to]
        inside = [spans[bisect_left(starts, s) : bisect_left(starts, e)] for s, e in windows]
        features = [
            self._features(text, s, e, spans_in) for (s, e), spans_in in zip(windows, inside, strict=True)
        ]
        probs = self._probabilities(features)
        by_model = self._by_model(features)  # which windows each model scored: used three times below
        url = doc.user_data.get(URL_KEY)
        if url:
            for model, rows in by_model:  # the address is scored once per model, not per window
                probs[rows] = model.with_address(probs[rows], url)
        doc._.windows = [Window(s, e, p) for (s, e), p in zip(windows, probs, strict=True)]
        self._judge(doc, spans, inside, features, by_model)
        return doc

    def _features(self, text: str, start: int, end: int, spans: list[Span]) -> PassageFeatures:
        """The window's text and the rule hits inside it (`spans`: those starting in the window)."""
        return PassageFeatures(text[start:end], rule_vector((s.label_, s._.context) for s in spans))

    def _probabilities(self, features: list[PassageFeatures]) -> np.ndarray:
        assert self.fast is not None
        if not features:
            return np.zeros((0, len(CATEGORIES) + len(VOICES)))
        probs = self.fast.probabilities(features)
        if self.full is None or self.embedder is None:
            return probs
        suspect = [i for i, row in enumerate(probs) if row[: len(CATEGORIES)].max() >= SUSPECT]
        if suspect:
            try:
                vectors = self.embedder.embed([features[i].text for i in suspect])
            except EmbeddingsUnavailable:
                return probs
            for i, vector in zip(suspect, vectors, strict=True):
                features[i].embedding = vector
            probs[suspect] = self.full.probabilities([features[i] for i in suspect])
        return probs

    def _model_for(self, passage: PassageFeatures) -> ClaimModel:
        assert self.fast is not None
        return self.full if self.full is not None and passage.embedding is not None else self.fast

    def _judge(
        self,
        doc: Doc,
        spans: list[Span],
        inside: list[list[Span]],
        features: list[PassageFeatures],
        by_model: list[tuple[ClaimModel, np.ndarray]],
    ) -> None:
        kept: list[Span] = []
        windows: list[Window] = doc._.windows
        asserted = self._asserted(windows, by_model)
        add_bars = _add_bars(len(windows), by_model, length_allowance(len(windows)))
        # Only windows with a rule hit or a category over its bar need a look: the rest is the common case.
        ruled_windows = np.array([bool(s) for s in inside], dtype=bool)
        for w in np.flatnonzero((asserted >= add_bars).any(axis=1) | ruled_windows):
            window, window_spans, passage = windows[w], inside[w], features[w]
            model = self._model_for(passage)
            by_category: dict[str, list[Span]] = {}
            for span in window_spans:
                by_category.setdefault(span.label_, []).append(span)
            for j, category in enumerate(CATEGORIES):
                p, add_bar = float(asserted[w, j]), float(add_bars[w, j])
                rule_spans = by_category.get(category, [])
                if not rule_spans and p < add_bar:
                    continue
                ruled = any(s._.context == "asserted" for s in rule_spans)
                confirmed = p >= (model.confirm_bar(category) if ruled else add_bar)
                for span in rule_spans:
                    span._.confidence = p
                    if span._.context == "asserted" and not confirmed:
                        span._.dismissed = True
                if confirmed and not ruled:
                    why = model.explain(passage, category)
                    made = self._model_span(doc, window, category, p, why, window_spans)
                    if made is not None:
                        kept.append(made)
        seen = {(s.start, s.end, s.label_) for s in spans}
        doc.spans[self.spans_key] = spans + [s for s in kept if (s.start, s.end, s.label_) not in seen]

    def _asserted(self, windows: list[Window], by_model: list[tuple[ClaimModel, np.ndarray]]) -> np.ndarray:
        """(windows, categories): each window's categories weighed by who speaks, by the model that scored it."""
        out = np.zeros((len(windows), len(CATEGORIES)))
        if not windows:
            return out
        probabilities = np.stack([w.probabilities for w in windows])
        sellers = seller_voice(windows)
        for model, rows in by_model:
            out[rows] = model.asserted(probabilities[rows], sellers[rows])
        return out

    def _by_model(self, features: list[PassageFeatures]) -> list[tuple[ClaimModel, np.ndarray]]:
        """(model, row mask) for each model that scored some of these windows (see _model_for)."""
        full = np.array([self._model_for(f) is not self.fast for f in features], dtype=bool)
        pairs = ((self.fast, ~full), (self.full, full))
        return [(model, rows) for model, rows in pairs if model is not None and rows.any()]

    def _model_span(
        self,
        doc: Doc,
        window: Window,
        category: str,
        p: float,
        why: tuple[str, ...],
        window_spans: list[Span],
    ) -> Span | None:
        start, end = self._carrier(doc, window, category, window_spans)
        span = doc.char_span(start, end, label=category, alignment_mode="expand")
        if span is None or not len(span):
            return None
        span._.rule = MODEL_RULE_PREFIX + category
        span._.detector = "model"
        if (
            doc._.voice == "comment"
        ):  # readers are not the clinic (as the context component rules for rule hits)
            span._.context, span._.cue = "attributed", "reader comment"
        span._.confidence = p
        span._.top_terms = why
        return span

    def _carrier(self, doc: Doc, window: Window, category: str, window_spans: list[Span]) -> tuple[int, int]:
        """The sentence of the window that carries the category best (by the cheap model alone)."""
        assert self.fast is not None
        text, bounds = _boundaries(doc)
        first = bisect_right(bounds, window.start) - 1
        sentences = []
        for k in range(max(first, 0), len(bounds) - 1):
            if bounds[k] >= window.end:
                break
            sentences.append((max(bounds[k], window.start), min(bounds[k + 1], window.end)))
        if len(sentences) <= 1:
            return _trimmed(text, window.start, window.end)
        j = CATEGORIES.index(category)
        passages = [
            self._features(text, s, e, [sp for sp in window_spans if s <= sp.start_char < e])
            for s, e in sentences
        ]
        s, e = sentences[int(np.argmax(self.fast.scores(passages)[:, j]))]
        return _trimmed(text, s, e)


def _add_bars(windows: int, by_model: list[tuple[ClaimModel, np.ndarray]], raise_by: float) -> np.ndarray:
    """(windows, categories): the bar a claim no rule words must clear, by the model that scored each."""
    out = np.zeros((windows, len(CATEGORIES)))
    for model, rows in by_model:
        out[rows] = np.minimum([model.thresholds[c] + raise_by for c in CATEGORIES], BAR_CAP)
    return out


def length_allowance(windows: int) -> float:
    """How much higher than a passage's bar a claim no rule words must score in a text of this many windows."""
    return BAR_PER_DECADE * math.log10(max(windows, 1))


def seller_voice(windows: list[Window]) -> np.ndarray:
    """Per window, the probability that a seller speaks: its own voice, weighed with the rest of the text's.

    A lone sentence says little about who speaks; the text around it says more (a news story stays a news
    story in its quoted paragraph). For a one-window text this is the window's own voice, as in training.
    """
    if not windows:
        return np.zeros(0)
    own = marketing_of(np.stack([w.probabilities for w in windows]))
    lengths = np.array([max(w.end - w.start, 1) for w in windows], dtype=np.float64)
    page = float(own @ lengths / lengths.sum())
    return (1 - PAGE_WEIGHT) * own + PAGE_WEIGHT * page


def passage_windows(doc: Doc) -> Iterator[tuple[int, int]]:
    """Runs of up to three sentences, never across a blank line, about as long as a labelled passage."""
    text = doc.user_data.get("claimcheck.text") or doc.text
    start = end = count = 0
    for s, e in sentence_bounds(doc):
        if not text[s:e].strip():
            continue
        gap = text[end:s] if count else ""
        if count and (
            count >= WINDOW_SENTENCES or e - start > WINDOW_CHARS or "\n\n" in gap.replace(" ", "")
        ):
            yield _trimmed(text, start, end)
            count = 0
        if not count:
            start = s
        end, count = e, count + 1
    if count:
        yield _trimmed(text, start, end)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end
