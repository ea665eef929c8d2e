"""The claim matcher: finds rule matches and applies each rule's conditions within the sentence.

Phrases and inflected terms go to one PhraseMatcher (hash look-ups, fast on any text). Token patterns
are the slow part of a spaCy pipeline, so the Matcher only runs on sentences that hold one of the
patterns' anchor words, found by a PhraseMatcher first.

Work per document is bounded: past MAX_HITS claim hits (counted in C-level match tuples, before any
Span is built), the rest of the text from the next sentence on is left unchecked and the Doc says where
checking stopped (CHECKED_KEY); the checker marks such a report truncated.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc, Span

from claimcheck.nlp.compile import SpecCompiler
from claimcheck.nlp.extensions import SPANS_KEY, register
from claimcheck.nlp.sentences import block_chars, doc_text, sentence_chars
from claimcheck.rules.model import SEVERITIES, Rule
from claimcheck.textnorm import fold

NEAR, UNLESS = "|near", "|unless"
# Hits (phrase hits, near/unless words and pattern anchors) judged per document. Real clinic pages have up to
# ~50 per 1,000 characters, so 400 KB of them is checked whole; a 1 MB page repeating one claim has 150,000,
# each costing a Span, a context decision and a Finding (about 0.1 ms together).
MAX_HITS = 20_000
BUDGET_KEY = "claimcheck.hit_budget"  # set by the checker: hits left for this document
CHECKED_KEY = "claimcheck.checked_to"  # set here: hits used, and the character offset checking stopped at
Matches = list[tuple[int, int, int]]  # (match id, start token, end token), as spaCy's matchers give them
# A "near" word this close (in tokens) joins the highlighted finding ("celulas madres" + "pills"); kept tight
# so that cue words between them ("creams labelled with 'stem cell'") stay outside the claim.
ADJACENT = 1
# ...and only across a connector: a hedge or negation between them ("stem cells might repair cartilage",
# "stem cells never repair") must stay outside the finding, or its context would read the claim as asserted.
JOINING_WORDS = frozenset("de del en con y e para of in with and for".split())


@Language.factory("claimcheck_matcher", default_config={"spans_key": SPANS_KEY})
def make_claim_matcher(nlp: Language, name: str, spans_key: str) -> ClaimMatcher:
    return ClaimMatcher(nlp, name, spans_key=spans_key)


class ClaimMatcher:
    """Writes one Span per finding to doc.spans[spans_key], labelled with the category."""

    def __init__(
        self, nlp: Language, name: str = "claimcheck_matcher", *, spans_key: str = SPANS_KEY
    ) -> None:
        register()
        self.name, self.spans_key = name, spans_key
        self.compiler = SpecCompiler(nlp.vocab, str(nlp.lang), nlp.make_doc)
        self.rules: dict[str, Rule] = {}

    def add_rules(self, rules: list[Rule]) -> None:
        for rule in rules:
            self.rules[rule.id] = rule
            self.compiler.add(rule.id, rule.match, rule.origin, rule.id)
            if rule.near:
                self.compiler.add(rule.id + NEAR, rule.near, rule.origin, rule.id)
            if rule.unless:
                self.compiler.add(rule.id + UNLESS, rule.unless, rule.origin, rule.id)

    def __call__(self, doc: Doc) -> Doc:
        phrases = self.compiler.phrases(doc)
        anchors = self.compiler.anchors(doc)
        limit, used = self._limit(doc, phrases, anchors, doc.user_data.get(BUDGET_KEY, MAX_HITS))
        doc.user_data[CHECKED_KEY] = (used, doc[limit].idx if limit < len(doc) else len(doc_text(doc)))
        hits = self._hits(
            doc, [m for m in phrases if m[1] < limit], [a for a in anchors if a[1] < limit], limit
        )
        findings: list[Span] = []
        for rule_id in sorted(k for k in hits if "|" not in k):
            findings += self._apply_rule(doc, self.rules[rule_id], hits)
        doc.spans[self.spans_key] = _drop_contained(findings, self.rules)
        return doc

    def _limit(self, doc: Doc, phrases: Matches, anchors: Matches, budget: int) -> tuple[int, int]:
        """(token where checking stops, hits before it): at a sentence start once `budget` is spent.

        Every hit counts (a rule's own words, its near/unless words, pattern anchors): each becomes a Span.
        """
        starts = sorted([s for _, s, _ in phrases] + [s for _, s, _ in anchors])
        if len(starts) <= budget:
            return len(doc), len(starts)
        token = starts[max(budget, 0)]
        sentence_start, _ = sentence_chars(doc, doc[token].idx, doc[token].idx + 1)
        while token > 0 and doc[token - 1].idx >= sentence_start:  # a sentence is at most ~1,000 chars
            token -= 1
        return token, bisect_left(starts, token)

    def _hits(self, doc: Doc, phrases: Matches, anchors: Matches, limit: int) -> dict[str, list[Span]]:
        strings = doc.vocab.strings
        hits: dict[str, list[Span]] = defaultdict(list)
        for match_id, start, end in phrases:
            hits[strings[match_id]].append(doc[start:end])
        for span in self._pattern_hits(doc, anchors, limit):
            hits[span.label_].append(span)
        return hits

    def _pattern_hits(self, doc: Doc, anchors: Matches, limit: int) -> list[Span]:
        """Run each token pattern in a window of its reach around each of its anchors.

        A window may cross a sentence end; matches that do are dropped, since rules speak of sentences.
        """
        groups = self.compiler.groups
        windows: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for key, start, end in anchors:
            index = int(doc.vocab.strings[key][1:])
            reach = groups[index].reach
            lo, hi = (0, limit) if reach is None else (max(0, start - reach), min(limit, end + reach))
            spans = windows[index]
            if spans and lo <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(hi, spans[-1][1]))
            else:
                spans.append((lo, hi))
        found: list[Span] = []
        for index, spans in windows.items():
            for lo, hi in spans:
                found += groups[index].matcher(doc[lo:hi], as_spans=True)
        for group in self.compiler.unanchored:
            found += group.matcher(doc[:limit], as_spans=True)
        return [span for span in found if _one_sentence(doc, span)]

    def _apply_rule(self, doc: Doc, rule: Rule, hits: dict[str, list[Span]]) -> list[Span]:
        bounds = block_chars if rule.scope == "block" else sentence_chars
        by_sentence = _by_scope(doc, _longest_only(hits[rule.id]), bounds)
        near_by_sentence = _by_scope(doc, hits.get(rule.id + NEAR, []), bounds) if rule.near else {}
        unless_sentences = (
            set(_by_scope(doc, hits.get(rule.id + UNLESS, []), bounds)) if rule.unless else set()
        )
        out: list[Span] = []
        for sentence, spans in sorted(by_sentence.items()):
            if sentence in unless_sentences:
                continue
            list_evidence: str | None = None
            if rule.min_distinct > 1:
                distinct = sorted({fold(s.text) for s in spans})
                if len(distinct) < rule.min_distinct:
                    continue
                spans = [doc[min(s.start for s in spans) : max(s.end for s in spans)]]
                list_evidence = ", ".join(distinct)
            found: list[tuple[Span, str | None]] = []
            for span in spans:
                start, end, evidence = span.start, span.end, list_evidence
                if rule.near:
                    near = [n for n in near_by_sentence.get(sentence, []) if not _overlaps(n, span)]
                    if not near:
                        continue
                    closest = min(near, key=lambda n: _gap(n, span))
                    evidence = f"{list_evidence}; {closest.text}" if list_evidence else closest.text
                    if _joins(doc, closest, span):  # "celulas madres" + "pills": highlight both
                        start, end = min(start, closest.start), max(end, closest.end)
                found.append((Span(doc, start, end, label=rule.category), evidence))
            for finding, evidence in _merge_overlapping(found):
                finding._.rule = rule.id
                finding._.evidence = evidence
                out.append(finding)
        return out


def _one_sentence(doc: Doc, span: Span) -> bool:
    _, end = sentence_chars(doc, span.start_char, span.start_char + 1)
    return span.end_char <= end


def _by_scope(
    doc: Doc, spans: list[Span], bounds: Callable[[Doc, int, int], tuple[int, int]]
) -> dict[tuple[int, int], list[Span]]:
    """Hits grouped by the sentence (or block) they sit in: each rule then looks its scopes up in O(1)."""
    grouped: dict[tuple[int, int], list[Span]] = defaultdict(list)
    for span in spans:
        grouped[bounds(doc, span.start_char, span.end_char)].append(span)
    return grouped


def _gap(a: Span, b: Span) -> int:
    return max(a.start - b.end, b.start - a.end, 0)


def _joins(doc: Doc, near: Span, span: Span) -> bool:
    gap = _gap(near, span)
    if gap > ADJACENT:
        return False
    between = doc[min(near.end, span.end) : max(near.start, span.start)]
    return all(t.is_punct or t.norm_ in JOINING_WORDS for t in between)


def _merge_overlapping(found: list[tuple[Span, str | None]]) -> list[tuple[Span, str | None]]:
    """One rule, one sentence: "Oral Stem Cell" and "Stem Cell Supplements" become one finding."""
    merged: list[tuple[Span, str | None]] = []
    for span, evidence in sorted(found, key=lambda item: item[0].start):
        if merged and span.start <= merged[-1][0].end:
            last, last_evidence = merged[-1]
            merged[-1] = (
                Span(span.doc, last.start, max(last.end, span.end), label=last.label),
                last_evidence,
            )
        else:
            merged.append((span, evidence))
    return merged


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _longest_only(spans: list[Span]) -> list[Span]:
    """Drop a hit that lies inside a longer hit of the same rule ("cure" inside "cure autism")."""
    ordered = sorted(spans, key=lambda s: (s.start, -(s.end - s.start)))
    kept: list[Span] = []
    for span in ordered:
        if kept and span.start >= kept[-1].start and span.end <= kept[-1].end:
            continue
        kept.append(span)
    return kept


def _drop_contained(findings: list[Span], rules: dict[str, Rule]) -> list[Span]:
    """Within a category, a finding inside another one adds nothing: keep the wider, then the more severe.

    One sweep per category, sorted by start: a span is contained exactly when an earlier kept span of
    its category reaches as far (every earlier span starts no later).
    """
    ordered = sorted(
        findings,
        key=lambda s: (s.label_, s.start, -s.end, -SEVERITIES[rules[s._.rule].severity]),
    )
    kept: list[Span] = []
    reach: dict[str, int] = {}
    for span in ordered:
        if reach.get(span.label_, -1) >= span.end:
            continue
        kept.append(span)
        reach[span.label_] = max(reach.get(span.label_, -1), span.end)
    return sorted(kept, key=lambda s: (s.start, s.end, s._.rule))
