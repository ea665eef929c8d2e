"""The context component: decides for each finding whether the page asserts it or not.

ConText-style (medspaCy): cues from YAML have a kind, a direction and a window in tokens; scope ends
at the sentence and at terminator cues ("but", "sin embargo"); pseudo cues ("no side effects")
disable the cue words they contain; cue words inside the finding itself are part of the claim.
Questions ("Are stem cell pills safe?", "¿Funcionan…?") and reader comments are decided here too.
The winning cue is kept on the span, because users always ask which cue fired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from claimcheck.nlp.compile import SpecCompiler
from claimcheck.nlp.extensions import SPANS_KEY, register
from claimcheck.nlp.sentences import block_chars, doc_text, sentence_of
from claimcheck.rules.model import ContextRule

# When several cues reach a finding, the strongest reading wins: a warning beats a plain negation,
# and both beat reported speech, questions and hedges.
PRIORITY = ("cautionary", "negated", "attributed", "question", "hypothetical")


@dataclass(frozen=True)
class Cue:
    kind: str
    start: int  # token offsets in the Doc
    end: int
    text: str
    rule: ContextRule | None = None  # None for built-in cues (questions)


@Language.factory("claimcheck_context", default_config={"spans_key": SPANS_KEY})
def make_context(nlp: Language, name: str, spans_key: str) -> ContextDetector:
    return ContextDetector(nlp, name, spans_key=spans_key)


class ContextDetector:
    def __init__(
        self, nlp: Language, name: str = "claimcheck_context", *, spans_key: str = SPANS_KEY
    ) -> None:
        register()
        self.name, self.spans_key = name, spans_key
        self.compiler = SpecCompiler(nlp.vocab, str(nlp.lang), nlp.make_doc)
        self.cues: dict[str, ContextRule] = {}

    def add_rules(self, cues: list[ContextRule]) -> None:
        for cue in cues:
            self.cues[cue.id] = cue
            self.compiler.add(cue.id, cue.match, cue.origin, cue.id)

    def __call__(self, doc: Doc) -> Doc:
        sentences: dict[tuple[int, int], list[Cue]] = {}
        blocks: dict[tuple[int, int], list[Cue]] = {}
        claims = list(doc.spans.get(self.spans_key, []))
        for span in claims:
            span._.context, span._.cue = self.context_of(span, sentences, blocks, claims)
        return doc

    def context_of(
        self,
        span: Span,
        sentences: dict[tuple[int, int], list[Cue]] | None = None,
        blocks: dict[tuple[int, int], list[Cue]] | None = None,
        claims: list[Span] | None = None,
    ) -> tuple[str, str | None]:
        """The context of one finding and the cue that set it (caches are shared across a Doc's findings;
        `claims` are all of them, so a negation inside one of them is not read as negating another)."""
        sentences = {} if sentences is None else sentences
        blocks = {} if blocks is None else blocks
        doc = span.doc
        sent = sentence_of(span)
        key = (sent.start, sent.end)
        if key not in sentences:
            sentences[key] = self.cues_in(sent)
        cues = sentences[key]
        block_key = block_chars(doc, span.start_char, span.end_char)
        if block_key not in blocks:
            block = doc.char_span(*block_key, alignment_mode="expand")
            found = self.cues_in(block) if block is not None else []
            blocks[block_key] = [c for c in found if c.rule is not None and c.rule.reach == "block"]
        if blocks[block_key] and not _seller_speaks(cues):
            # A warning page's framing ("Red flags:", "Desconfíe si el centro:", "the FTC said") covers the
            # whole block, except the sentences where the seller speaks ("we", "our", "you").
            cues = cues + [_as_block_cue(c, span) for c in blocks[block_key] if not _overlaps(c, span)]
        return self.decide(doc, span, sent, cues, claims or [])

    def cues_in(self, sent: Span) -> list[Cue]:
        strings = sent.doc.vocab.strings
        found = [
            # PhraseMatcher gives Doc offsets even when called on a Span (the Matcher does not).
            self._cue(strings[m], sent.doc[s:e])
            for m, s, e in self.compiler.phrases(sent)
            if not _is_the_month(sent.doc[s:e])
        ]
        if len(self.compiler.patterns) and self._patterns_may_match(sent):
            found += [self._cue(sp.label_, sp) for sp in self.compiler.patterns(sent, as_spans=True)]
        return _sorted_cues(found)

    def _patterns_may_match(self, sent: Span) -> bool:
        """False when no token pattern can match: none lacks a literal word, and no anchor word is here.

        Every anchored pattern requires its anchor word, so a sentence without any anchor has no match;
        the Matcher (slow: a Python object per token) then need not run over it.
        """
        return bool(self.compiler.unanchored) or bool(self.compiler.anchors(sent))

    def _cue(self, cue_id: str, span: Span) -> Cue:
        rule = self.cues[cue_id]
        return Cue(rule.kind, span.start, span.end, span.text, rule)

    def decide(
        self, doc: Doc, target: Span, sent: Span, cues: list[Cue], claims: list[Span] | None = None
    ) -> tuple[str, str | None]:
        if doc._.voice == "comment":
            return "attributed", "reader comment"
        pseudo = [c for c in cues if c.kind == "pseudo"]
        terminators = [c for c in cues if c.kind == "terminate"]
        quoted_in = _reported_quotations(doc, sent, target, cues, pseudo)
        seller = any(c.rule is not None and c.rule.seller_guard for c in cues) and _seller_speaks(cues)
        reaching: list[Cue] = []
        for cue in cues:
            if (
                cue.rule is None
                or cue.kind in ("pseudo", "terminate", "voice")
                or target.label_ in cue.rule.skip_categories
                or (seller and cue.rule.seller_guard)
            ):
                continue
            if cue.start < target.end and target.start < cue.end:
                continue  # cue words inside the claim belong to the claim ("no risk of rejection")
            if cue.kind == "negated" and any(_overlaps(cue, other) for other in claims or ()):
                continue  # nor does another claim's own negation negate this one ("do not cause tumors and ...")
            if _in_pseudo(cue, pseudo):  # a cue that begins inside a pseudo cue is one
                continue
            if cue.rule.reach == "quote":
                if quoted_in and not any(_cue_in(doc, cue, span) for span in quoted_in):
                    reaching.append(cue)
            elif _reaches(cue, target, terminators):
                reaching.append(cue)
        question = _question_cue(sent, target)
        if question and not _answered_yes(doc, sent):
            reaching.append(question)
        quoted = _scare_quote_cue(sent, target)
        if quoted:
            reaching.append(quoted)
        reaching += [c for c in cues if c.rule is None and c.kind in PRIORITY and c.text != "?"]
        if not reaching:
            return "asserted", None
        best = min(reaching, key=lambda c: (PRIORITY.index(c.kind), _distance(c, target)))
        return best.kind, best.text


def _seller_speaks(cues: list[Cue]) -> bool:
    """A "voice" cue ("we", "our", "you") that is not part of a pseudo cue ("our reporter")."""
    pseudo = [c for c in cues if c.kind == "pseudo"]
    return any(c.kind == "voice" and not _in_pseudo(c, pseudo) for c in cues)


def _in_pseudo(cue: Cue, pseudo: list[Cue]) -> bool:
    """A cue that begins inside a pseudo cue is part of it ("our reporter", "no side effects")."""
    return any(p.start <= cue.start < p.end for p in pseudo)


def _overlaps(cue: Cue, span: Span) -> bool:
    return cue.start < span.end and span.start < cue.end


def _as_block_cue(cue: Cue, target: Span) -> Cue:
    """A block-wide cue placed next to the finding: it reaches it whatever the distance."""
    return Cue(cue.kind, max(target.start - 1, 0), target.start, cue.text, None)


def _reaches(cue: Cue, target: Span, terminators: list[Cue]) -> bool:
    rule = cue.rule
    assert rule is not None
    if cue.end <= target.start and rule.direction in ("forward", "both"):
        gap_start, gap_end = cue.end, target.start
    elif cue.start >= target.end and rule.direction in ("backward", "both"):
        gap_start, gap_end = target.end, cue.start
    else:
        return False
    if gap_end - gap_start > rule.window:
        return False
    return not any(gap_start <= t.start and t.end <= gap_end for t in terminators)


def _reported_quotations(
    doc: Doc, sent: Span, target: Span, cues: list[Cue], pseudo: list[Cue]
) -> list[tuple[int, int]]:
    """The sentence's quotations, when the finding is inside one and a quote-reach cue could report it.

    Empty when no such cue is in the sentence (the common case: nothing is scanned), when the finding is not
    quoted, or when the seller speaks outside the quotations ('"...," explains our founder': a clinic quoting
    its own people still makes the claim).
    """
    if not any(c.rule is not None and c.rule.reach == "quote" for c in cues):
        return []
    spans = quotations(doc_text(doc), sent.start_char, sent.end_char)
    if not any(start < target.start_char and target.end_char <= end for start, end in spans):
        return []
    for cue in cues:
        if cue.kind != "voice" or _in_pseudo(cue, pseudo):
            continue
        if not any(_cue_in(doc, cue, span) for span in spans):
            return []
    return spans


def _cue_in(doc: Doc, cue: Cue, span: tuple[int, int]) -> bool:
    """Whether the cue's words lie inside the quotation `span` (character offsets of its marks)."""
    return span[0] < doc[cue.start].idx and doc[cue.end - 1].idx + len(doc[cue.end - 1]) <= span[1]


def quotations(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(opening mark, closing mark) offsets of the closed quotations in text[start:end].

    Double marks and guillemets only (apostrophes are too often not quotation marks); a straight mark after a
    digit (2" = two inches) or inside a word is no quotation mark; an unclosed quotation is not one (a stray
    mark must not report the rest of the sentence). A sentence with more than MAX_QUOTE_MARKS marks is not
    prose: none.
    """
    found: list[tuple[int, int]] = []
    opened = -1
    for count, mark in enumerate(_DOUBLE_MARK.finditer(text, start, end)):
        if count >= MAX_QUOTE_MARKS:
            return []
        i, char = mark.start(), mark.group()
        if char == '"' and (_inside_word(text, i) or (i > 0 and text[i - 1].isdigit())):
            continue
        if opened < 0 and char in _DOUBLE_OPEN:
            opened = i
        elif opened >= 0 and char in _DOUBLE_CLOSE:
            found.append((opened, i))
            opened = -1
    return found


def _distance(cue: Cue, target: Span) -> int:
    return max(target.start - cue.end, cue.start - target.end, 0)


# Rhetorical questions sell: "Why settle for cortisone when your cells can rebuild cartilage?"
# The leading \W* already takes "¿" and spaces: a second optional space run after it made the match
# quadratic in the length of a run of spaces.
_RHETORICAL = re.compile(
    r"^\W*(?:why (?:settle|wait|suffer|live with|keep|put up)|what if|imagine|para qué|por qué "
    r"(?:esperar|conformarte|conformarse|sufrir|seguir))",
    re.IGNORECASE,
)


def _question_cue(sent: Span, target: Span) -> Cue | None:
    """A finding in a question is asked about, not asserted: "Are celulas madres pills safe?".

    Works on the characters of the sentence: walking its tokens in Python costs more than the rest.
    """
    text = doc_text(sent.doc)[sent.start_char : sent.end_char]
    if _RHETORICAL.match(text):
        return None
    before = text[: target.start_char - sent.start_char]
    after = text[max(target.end_char - sent.start_char - 1, 0) :]
    if text.rstrip(" \"'”’»)").endswith("?") or ("¿" in before and "?" in after):
        return Cue("question", sent.end - 1, sent.end, "?")
    return None


# "Q: Can stem cells cure neuropathy? A: Yes." asserts what it asks.
_YES = re.compile(
    r"^\W*(?:a\W+)?(?:yes|yeah|absolutely|definitely|of course|certainly|in short,? yes|the answer is yes"
    r"|s[ií]|claro|por supuesto|desde luego|definitivamente|en resumen,? s[ií]|la respuesta es s[ií])\b",
    re.IGNORECASE,
)
_QUOTES_OPEN = {'"', "'", "“", "‘", "«", "„"}
_QUOTES_CLOSE = {'"', "'", "”", "’", "»"}
_DOUBLE_OPEN = {'"', "“", "«", "„"}
_DOUBLE_CLOSE = {'"', "”", "»"}
_DOUBLE_MARK = re.compile('["“”«»„]')
MAX_QUOTE_MARKS = 40
SCARE_QUOTE_CHARS = 16  # a quotation this close around a finding is a mention, not the page's voice


def _answered_yes(doc: Doc, sent: Span) -> bool:
    rest = doc_text(doc)[sent.end_char : sent.end_char + 60]
    return bool(_YES.match(rest.lstrip()))


def _scare_quote_cue(sent: Span, target: Span) -> Cue | None:
    """'stem cell' creams, a so-called "cure": quotation marks tightly around a finding mark a mention.

    Whole quoted sentences are not mentions: a clinic's quoted claim is still its claim. Apostrophes
    inside words ("don't", "patient's") are not quotation marks.
    """
    if target.label_ == "testimonial_evidence":
        return None
    text = doc_text(sent.doc)
    start, end = target.start_char, target.end_char
    lo, hi = max(sent.start_char, start - SCARE_QUOTE_CHARS), min(sent.end_char, end + SCARE_QUOTE_CHARS)
    # The opening mark may also sit inside the match: Autism 'cures' is a mention of cures.
    opening = max(
        (
            i
            for i in range(lo, max(end - 1, start + 1))
            if text[i] in _QUOTES_OPEN and not _inside_word(text, i)
        ),
        default=-1,
    )
    closing = min(
        (i for i in range(max(end - 1, start), hi) if text[i] in _QUOTES_CLOSE and not _inside_word(text, i)),
        default=-1,
    )
    if opening < 0 or closing < 0 or closing < opening:
        return None
    if opening <= sent.start_char + 1 and closing >= sent.end_char - 3:
        return None  # the whole sentence is quoted
    return Cue("attributed", max(target.start - 1, 0), target.end + 1, "quoted")


def _inside_word(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()


_BEFORE_A_MONTH = frozenset(
    "in of on since until till by from last next early late mid through".split()  # not "this": "This May Cure"
)


def _is_the_month(span: Span) -> bool:
    """ "since her treatment in May" is a date, not the hedge "may": the month is capitalised mid-sentence
    after a preposition ("in May") or before a day or year ("May 3", "May 2021")."""
    if span.text != "May" or span.start == 0:
        return False
    doc = span.doc
    before = doc[span.start - 1].lower_
    after = doc[span.end] if span.end < len(doc) else None
    return before in _BEFORE_A_MONTH or (after is not None and after.like_num)


def _sorted_cues(cues: list[Cue]) -> list[Cue]:
    """Overlapping cues all stay: priority settles "no evidence" (cautionary) over "no" (negated)."""
    return sorted(cues, key=lambda c: (c.start, c.end))
