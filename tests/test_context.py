"""Claims versus warnings: the context each finding gets, on sentences written for these tests."""

from __future__ import annotations

import pytest

from claimcheck import Checker
from claimcheck.nlp.context import MAX_QUOTE_MARKS, quotations


def contexts(checker: Checker, text: str, category: str, lang: str | None = None) -> list[str]:
    return [f.context for f in checker.check_text(text, lang=lang).findings if f.category == category]


@pytest.mark.parametrize(
    ("text", "category", "expected"),
    [
        ("Are stem cell pills safe? No.", "oral_product", "question"),
        ("Our stem cell capsules restore energy in weeks.", "oral_product", "asserted"),
        ("We do not sell stem cell capsules of any kind.", "oral_product", "negated"),
        ("Stay away from clinics selling stem cell gummies.", "oral_product", "cautionary"),
        ("There is no evidence that stem cell supplements do anything.", "oral_product", "cautionary"),
        ("Some clinics claim their infusions in Tijuana cure autism.", "overseas_iv", "attributed"),
        ("Stem cells might one day cure diabetes.", "cure_all", "hypothetical"),
        ("There are no side effects at all.", "risk_free", "asserted"),
        ("Treatment has no risk of rejection because the cells are your own.", "risk_free", "asserted"),
        ("Any clinic promising no side effects is misleading you.", "risk_free", "cautionary"),
        ("Our treatment is FDA-approved.", "regulatory_misrep", "asserted"),
        ("Our treatment is not FDA-approved.", "regulatory_misrep", "negated"),
        # The month is not the hedge "may" (it once made this claim hypothetical).
        ("Since her infusion in May our stem cells cured her diabetes.", "cure_all", "asserted"),
        ("On May 3 our stem cells cured his diabetes.", "cure_all", "asserted"),
        ("May our stem cells cure your diabetes?", "cure_all", "question"),
        # A hedge between the cells and the verb once joined the finding and went unread.
        ("Stem cells might repair worn cartilage.", "cure_all", "hypothetical"),
        ("Stem cells never repair worn cartilage.", "cure_all", "negated"),
        ("Stem Cells: This May Cure Your Arthritis", "cure_all", "hypothetical"),
        # The before of a testimonial is not a negation of its after.
        (
            "Ruth walks without pain and has noticed big improvements since her stem cell infusion.",
            "testimonial_evidence",
            "asserted",
        ),
        (
            "Bob, who could not walk before, has improved since receiving our stem cells.",
            "testimonial_evidence",
            "asserted",
        ),
    ],
)
def test_english_contexts(checker: Checker, text: str, category: str, expected: str) -> None:
    assert contexts(checker, text, category, "en") == [expected]


@pytest.mark.parametrize(
    ("text", "category", "expected"),
    [
        ("¿Son seguras las cápsulas de células madre? No.", "oral_product", "question"),
        ("Nuestras cápsulas de células madre rejuvenecen tu piel.", "oral_product", "asserted"),
        ("No vendemos cápsulas de células madre.", "oral_product", "negated"),
        ("Evite las clínicas que venden cápsulas de células madre.", "oral_product", "cautionary"),
        ("El tratamiento no tiene efectos secundarios.", "risk_free", "asserted"),
        (
            "Nuestro paciente, que no podía caminar, ya puede caminar solo tras las infusiones de células madre.",
            "testimonial_evidence",
            "asserted",
        ),
        (
            "Nuestro tratamiento con células madre ha supuesto grandes mejoras en pacientes con artrosis.",
            "testimonial_evidence",
            "asserted",
        ),
    ],
)
def test_spanish_contexts(checker: Checker, text: str, category: str, expected: str) -> None:
    assert contexts(checker, text, category, "es") == [expected]


def test_reader_comments_are_never_the_clinic_voice(checker: Checker) -> None:
    article = "Our clinic treats knees with physiotherapy, bracing and patient education. " * 4
    text = (
        article
        + "\n\n3 thoughts on \u201cKnee care\u201d\n\nI flew to Cancun for IV stem cell infusions and they cured my MS!"
    )
    from claimcheck.sources import Document

    report = checker.check_document(Document(id="t", source="t", raw=text.encode()))
    assert report.verdict == "clean"
    assert report.findings and {f.context for f in report.findings} == {"attributed"}
    assert {f.cue for f in report.findings} == {"reader comment"}


def test_a_disclaimer_does_not_cancel_a_claim_elsewhere(checker: Checker) -> None:
    text = "Our stem cell capsules reverse aging. These statements have not been evaluated by the FDA."
    assert checker.check_text(text, lang="en").verdict == "flagged"


def test_warning_page_with_many_mentions_stays_clean(checker: Checker) -> None:
    text = (
        "The dangers of stem cell pills.\n"
        "Unproven products, like stem cell capsules, can be very risky.\n"
        "Are oral stem cell supplements safe? No: avoid them.\n"
    )
    report = checker.check_text(text, lang="en")
    assert report.verdict == "clean"
    assert len(report.findings) >= 3


def test_a_question_answered_yes_is_a_claim(checker: Checker) -> None:
    text = "Q: Can stem cells cure my neuropathy?\nA: Yes. Most patients are fully repaired in weeks."
    assert "asserted" in contexts(checker, text, "cure_all", "en")
    answered_no = "Can stem cells cure my neuropathy?\n\nNo. Ask your neurologist instead."
    assert contexts(checker, answered_no, "cure_all", "en") == ["question"]
    warned = "Can stem cells cure my neuropathy?\nNo, and be wary of anyone who says so."
    assert contexts(checker, warned, "cure_all", "en") == ["cautionary"]


def test_scare_quotes_mark_a_mention(checker: Checker) -> None:
    found = checker.check_text("Jars sold as 'stem cell creams' contain plant extracts.", lang="en").findings
    assert found and all(not f.asserted for f in found)
    assert any(f.cue == "quoted" for f in found)


def test_a_fully_quoted_claim_is_still_a_claim(checker: Checker) -> None:
    report = checker.check_text("\u201cOur stem cell capsules cure any illness in the body.\u201d", lang="en")
    assert report.verdict == "flagged"


def test_cue_words_inside_the_claim_do_not_negate_it(checker: Checker) -> None:
    report = checker.check_text(
        "Exosomes carry no DNA, so there is no risk of tumors or rejection.", lang="en"
    )
    assert "risk_free" in report.categories


def test_one_claims_own_negation_does_not_negate_the_next(checker: Checker) -> None:
    report = checker.check_text(
        "Our cells do not cause tumors and are not rejected by the immune system.", lang="en"
    )
    safety = [f for f in report.findings if f.category == "risk_free"]
    assert len(safety) == 2 and all(f.context == "asserted" for f in safety)


def test_a_negation_outside_any_claim_still_negates(checker: Checker) -> None:
    report = checker.check_text("Our clinic does not sell stem cell capsules.", lang="en")
    assert "oral_product" not in report.categories


def test_a_comments_menu_item_at_the_top_does_not_silence_the_page(checker: Checker) -> None:
    from claimcheck.sources import Document

    text = (
        "Home\nComments\nOur stem cell pills have no side effects. "
        + "Our team is here for you every day. " * 5
    )
    report = checker.check_document(Document(id="t", source="t", raw=text.encode()))
    assert report.verdict == "flagged"


def test_quotations_pair_marks_and_skip_inch_marks_and_unclosed_ones() -> None:
    text = 'He said "one" and «two» of 2" length, then “three'
    spans = [text[s : e + 1] for s, e in quotations(text, 0, len(text))]
    assert spans == ['"one"', "«two»"]
    assert quotations('"' * (MAX_QUOTE_MARKS + 1) + " cure", 0, MAX_QUOTE_MARKS + 6) == []  # not prose


def test_a_long_quotation_with_its_speaker_named_outside_is_reported(checker: Checker) -> None:
    quote = (
        "our shots cure arthritis for good, keep working for months after you stop, and cost less than a"
        " single visit to a surgeon or a year of painkillers"
    )
    reported = checker.check_text(f'"Honestly, {quote}," the founder told a magazine.', "en")
    assert {f.context for f in reported.findings if f.category == "cure_all"} == {"attributed"}
    unattributed = checker.check_text(f"Honestly, {quote}, and the founder knows it.", "en")
    assert "asserted" in {f.context for f in unattributed.findings if f.category == "cure_all"}


@pytest.mark.parametrize(
    "text",
    [
        # the speaker named outside the quotation is the clinic's own ("our founder")
        '"Honestly, {quote}," explains our founder.',
        # the cue sits in another quotation of the sentence
        'Our promise: "{quote}", and one mother: "I still recall the day".',
        # an inch mark is no quotation mark: nothing is quoted
        'Dr. Lee explains: our 2" patch is for knees, and {quote}.',
        # a stray mark opens no quotation that runs on
        'Add two drops to your "morning routine, because {quote}.',
    ],
)
def test_quotation_reach_does_not_silence_the_seller(checker: Checker, text: str) -> None:
    quote = (
        "our shots cure arthritis for good, keep working for months after you stop, and cost less than a"
        " single visit to a surgeon or a year of painkillers"
    )
    report = checker.check_text(text.format(quote=quote), "en")
    assert "asserted" in {f.context for f in report.findings if f.category == "cure_all"}
