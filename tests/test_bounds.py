"""Bounded cost per document (issue 8): hostile inputs that were quadratic finish, and stay correct.

Each test runs under a generous timeout guard (a hang fails the test, a slow machine does not);
speed and memory figures live in benchmarks/robustness.py.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from claimcheck import Checker
from claimcheck.nlp.sentences import MAX_BLOCK_CHARS, MAX_SENTENCE_CHARS
from claimcheck.sources.document import Document
from claimcheck.textnorm import MAX_RUN, MAX_TOKEN, bound_text

CLAIM = " stem cells cure autism with no side effects."
GUARD_SECONDS = (
    60  # these inputs took from 30 s to hours before the bounds; bounded, they take well under 1 s
)


@contextmanager
def guard(seconds: int = GUARD_SECONDS) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def categories(report) -> set[str]:
    return {f.category for f in report.findings if f.asserted}


@pytest.mark.parametrize("mark", ["!", "?", "'", " ", "_", "😀"])
def test_a_long_run_of_one_character_is_squashed_and_the_claim_still_found(
    checker: Checker, mark: str
) -> None:
    with guard():
        report = checker.check_text(mark * 20_000 + CLAIM, lang="en")
    assert report.text == (mark * MAX_RUN + CLAIM).replace(" " * (MAX_RUN + 1), " " * MAX_RUN)
    assert {"cure_all", "risk_free"} <= categories(report)
    for f in report.findings:
        assert report.text[f.start : f.end] == f.text


@pytest.mark.parametrize("unit", ["!?", "'s", ".,", "(a)"])
def test_a_long_stretch_without_spaces_is_split(checker: Checker, unit: str) -> None:
    """Mixed runs are not squashed, but a stretch without spaces gets one every MAX_TOKEN characters."""
    with guard():
        report = checker.check_text(unit * 10_000 + CLAIM, lang="en")
    assert max(len(word) for word in report.text.split()) <= MAX_TOKEN
    assert {"cure_all", "risk_free"} <= categories(report)


def test_forty_thousand_spaces_before_a_claim(checker: Checker) -> None:
    """The rhetorical-question regex used to backtrack over every space of the run."""
    with guard():
        report = checker.check_text(" " * 40_000 + CLAIM + " " * 40_000 + "Why wait?", lang="en")
    assert {"cure_all", "risk_free"} <= categories(report)


def test_tab_separated_full_stops_do_not_search_back_to_the_start(checker: Checker) -> None:
    """Each full stop looked back for a space to find an abbreviation; with tabs there was none."""
    with guard():
        report = checker.check_text("a.\t" * 100_000 + CLAIM, lang="en")
    assert "cure_all" in categories(report)


def test_offsets_index_the_bounded_text_and_map_through_the_cut() -> None:
    text = "ab" + "!" * 30 + "cd" + "x" * (MAX_TOKEN + 50) + " end"
    bounded, offset = bound_text(text)
    assert bounded.startswith("ab" + "!" * MAX_RUN + "cd")
    assert bounded[offset(text.index("cd")) :].startswith("cd")
    assert bounded[offset(text.index(" end")) :] == " end"
    assert offset(5) == 5 and offset(30) == offset(text.index("cd"))  # inside the cut run: its end
    assert (
        bound_text("A normal sentence. Another one!\n\nA block.")[0]
        == "A normal sentence. Another one!\n\nA block."
    )


def test_comments_section_offset_follows_the_squashed_text(checker: Checker) -> None:
    text = "=" * 50 + "\nOur clinic offers stem cell therapy.\n" + "Reader says: stem cells cure autism."
    report = checker.check_text(text, lang="en", comments_from=text.index("Reader"))
    found = [f for f in report.findings if f.category == "cure_all"]
    assert found and all(f.context == "attributed" and f.cue == "reader comment" for f in found)


def test_a_dense_paragraph_without_sentence_ends_is_bounded(checker: Checker) -> None:
    """Every finding used to copy its 'sentence' — the whole paragraph (findings x length in memory)."""
    with guard():
        report = checker.check_text("stem cells cure all " * 3_000, lang="en")  # 60 KB, no full stop
    assert report.findings
    assert max(len(f.sentence) for f in report.findings) <= MAX_SENTENCE_CHARS
    assert all(f.text in f.sentence for f in report.findings)
    for f in report.findings[:50]:
        assert report.text[f.start : f.end] == f.text


def test_long_sentences_are_cut_at_a_space_and_blocks_at_a_sentence(checker: Checker) -> None:
    from claimcheck.nlp.sentences import TEXT_KEY, block_chars, sentence_chars

    text = ("word " * 400 + "ends here. ") * 10  # 2,000-char sentences in one 20,000-char block
    nlp = checker.pipeline("en")
    doc = nlp.make_doc(text)
    doc.user_data[TEXT_KEY] = text
    start, end = sentence_chars(doc, 1500, 1501)
    assert end - start <= MAX_SENTENCE_CHARS and text[start - 1] == " "
    b_start, b_end = block_chars(doc, 15_000, 15_001)
    assert b_end - b_start <= MAX_BLOCK_CHARS and text[b_start - 1] == " "


def test_a_claim_dense_page_marks_what_was_left_unchecked(
    checker: Checker, monkeypatch: pytest.MonkeyPatch
) -> None:
    import claimcheck.checker as checker_module

    # The real cap needs a 250 KB page. Each sentence here costs ~13 hits (its rule words and every pack's near
    # words), so 200 sentences are far over a budget of 150 and 5 sentences well within it.
    monkeypatch.setattr(checker_module, "MAX_HITS", 150)
    with guard():
        report = checker.check_text("Stem cells cure autism. " * 200, lang="en")
    assert report.truncated  # the terminal says "only the first part of this long document was checked"
    assert 0 < len(report.findings) <= 150
    last = max(f.end for f in report.findings)
    assert last < len(report.text) // 2
    short = checker.check_text("Stem cells cure autism. " * 5, lang="en")  # within the budget
    assert not short.truncated and len(short.findings) == 5


def test_the_hit_budget_spans_language_segments(checker: Checker, monkeypatch: pytest.MonkeyPatch) -> None:
    import claimcheck.checker as checker_module

    monkeypatch.setattr(checker_module, "MAX_HITS", 60)
    english = "Our stem cells cure autism and we treat many patients. " * 40
    spanish = "Nuestras células madre curan la diabetes y tratamos a los pacientes. " * 40
    report = checker.check_text(english + "\n\n" + spanish)
    assert report.truncated and len(report.findings) <= 60


class _PdfPrepared:
    """What sources.document.prepare gives for a PDF: page starts into the checked text."""

    def __init__(self, text: str, page_starts: tuple[int, ...]) -> None:
        self.text, self.page_starts, self.comments_from, self.truncated = text, page_starts, None, False


def test_findings_carry_their_pdf_page(checker: Checker, monkeypatch: pytest.MonkeyPatch) -> None:
    import claimcheck.checker as checker_module

    pages = [
        "Page one talks about our clinic.\n",
        "!" * 100 + " Stem cells cure autism.\n",
        "Our pills have no side effects.\n",
    ]
    text = "".join(pages)
    starts = (0, len(pages[0]), len(pages[0]) + len(pages[1]))
    monkeypatch.setattr(checker_module, "prepare", lambda doc, max_chars: _PdfPrepared(text, starts))
    report = checker.check_document(Document(id="d", source="d.pdf", raw=b"%PDF-"), lang="en")
    by_category = {f.category: f.page for f in report.findings}
    assert by_category["cure_all"] == 2 and by_category["risk_free"] == 3


def test_documents_without_pages_have_no_page(checker: Checker) -> None:
    report = checker.check_document(
        Document(id="d", source="d.txt", raw=b"Stem cells cure autism."), lang="en"
    )
    assert report.findings and all(f.page is None for f in report.findings)


def test_check_text_caps_its_input_like_check_document(
    checker: Checker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A string past the character cap used to reach spaCy, which refuses texts over nlp.max_length."""
    monkeypatch.setattr(checker, "max_chars", 2_000)
    report = checker.check_text("Stem cells cure autism. " * 200, lang="en")
    assert report.truncated and len(report.text) <= 2_000
    assert report.findings
