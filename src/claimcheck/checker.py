"""The Python API: check text or documents and get Reports. The CLI is a thin layer over this."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from claimcheck import lang as langs
from claimcheck.errors import InputError
from claimcheck.findings import Finding, Report
from claimcheck.nlp.compile import validate_patterns
from claimcheck.nlp.extensions import SPANS_KEY
from claimcheck.nlp.pipeline import build_pipeline
from claimcheck.nlp.sentences import TEXT_KEY, doc_text, sentence_chars
from claimcheck.rules import RuleSet, load_rules
from claimcheck.sources.document import DEFAULT_MAX_CHARS, Document, prepare

RECYCLE_AFTER_STRINGS = 200_000  # about 25 MB of strings: rebuilding the pipeline costs well under a second


class Checker:
    """Loads the rule packs once and checks any number of texts.

    Checker()                      shipped English and Spanish packs
    Checker(rules=["my.yaml"])     plus a user's pack files or folders
    """

    def __init__(
        self,
        rules: Iterable[str | Path] = (),
        *,
        ruleset: RuleSet | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
    ) -> None:
        self.ruleset = ruleset if ruleset is not None else load_rules(rules)
        validate_patterns(self.ruleset)
        self.max_chars = max_chars
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
        """Check a string. `lang` forces a language; by default each block's language is detected."""
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        report = Report(id=id, source=source, url=url, sha256=sha, lang="", text=text)
        self._fill(report, text, lang, comments_from)
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
        report.text, report.truncated = prepared.text, prepared.truncated
        self._fill(report, prepared.text, lang, prepared.comments_from)
        return report

    def check_documents(self, docs: Iterable[Document], lang: str | None = None) -> Iterator[Report]:
        for doc in docs:
            yield self.check_document(doc, lang)

    def _fill(self, report: Report, text: str, lang: str | None, comments_from: int | None) -> None:
        segments = _split_comments(langs.segments(text, lang), comments_from)
        report.lang = langs.dominant([seg for seg, _ in segments])
        findings: list[Finding] = []
        for seg, voice in segments:
            nlp = self.pipeline(seg.lang if seg.lang in langs.SUPPORTED else "en")
            seg_text = text[seg.start : seg.end]
            doc = nlp.make_doc(seg_text)
            doc.user_data[TEXT_KEY] = seg_text
            doc._.voice = voice
            findings += self._findings(nlp(doc), seg.start)
            self._recycle_if_grown(str(nlp.lang))
        report.findings = findings

    def _findings(self, doc: Doc, offset: int) -> list[Finding]:
        out = []
        for span in doc.spans.get(SPANS_KEY, []):
            rule = self.ruleset.get(span._.rule)
            s_start, s_end = sentence_chars(doc, span.start_char, span.end_char)
            out.append(
                Finding(
                    rule=span._.rule,
                    category=span.label_,
                    severity=rule.severity,  # type: ignore[union-attr]
                    start=span.start_char + offset,
                    end=span.end_char + offset,
                    text=span.text,
                    context=span._.context,
                    message=rule.message,  # type: ignore[union-attr]
                    cue=span._.cue,
                    sentence=doc_text(doc)[s_start:s_end],
                    reference=rule.reference,  # type: ignore[union-attr]
                    evidence=span._.evidence,
                )
            )
        return out


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
