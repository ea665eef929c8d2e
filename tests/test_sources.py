from __future__ import annotations

from pathlib import Path

from claimcheck.lang import detect, segments
from claimcheck.sources import Document, prepare
from claimcheck.sources.html import extract_html


def test_html_keeps_list_items_as_separate_lines_and_drops_boilerplate() -> None:
    html = (
        "<html><head><title>t</title><style>p{}</style></head><body><nav>Home About Shop</nav>"
        "<main><h1>Why choose us</h1><p>Our clinic has welcomed patients from many countries for a decade.</p>"
        "<ul><li>Stem cell capsules</li><li>No side effects</li></ul>"
        "<p>Our coordinators answer every question before you book a consultation.</p></main>"
        "<footer>Copyright 2024</footer><script>alert(1)</script></body></html>"
    )
    text, comments = extract_html(html)
    assert "Stem cell capsules\nNo side effects" in text  # one list, one block, one line per item
    assert "\n\nStem cell capsules" in text
    assert "Why choose us" in text
    assert "alert" not in text and "Copyright" not in text and "Home About" not in text
    assert comments is None


def test_plain_text_comment_section_is_marked() -> None:
    raw = b"Article body.\n\nLeave a Reply\n\nGreat post!"
    prepared = prepare(Document(id="x", source="x", raw=raw))
    assert prepared.comments_from == raw.decode().index("Leave a Reply")


def test_long_documents_are_capped_and_marked() -> None:
    prepared = prepare(Document(id="x", source="x", raw=b"word " * 1000), max_chars=100)
    assert prepared.truncated and len(prepared.text) == 100


def test_language_detection() -> None:
    assert detect("Our stem cells are the best treatment for your knees.") == "en"
    assert detect("Nuestras células madre son el mejor tratamiento para sus rodillas.") == "es"


def test_mixed_pages_are_split_by_language() -> None:
    text = (
        "Welcome to our clinic, we are the best in the region for your treatment.\n\n"
        "Bienvenidos a nuestra clínica, somos los mejores de la región para su tratamiento."
    )
    segs = segments(text)
    assert [s.lang for s in segs] == ["en", "es"]
    assert segs[0].start == 0 and segs[-1].end == len(text)


def test_sentence_bounds_handle_spanish_marks_abbreviations_and_lines() -> None:
    import spacy

    from claimcheck.nlp.sentences import sentence_chars

    text = "Dr. Ruiz treats knees. U.S. clinics vary! ¿Funciona? ¡Sí! See fig. 2.\nA heading\nNext line."
    doc = spacy.blank("en")(text)

    def sentence(word: str) -> str:
        start = text.index(word)
        s, e = sentence_chars(doc, start, start + len(word))
        return text[s:e]

    assert sentence("Ruiz") == "Dr. Ruiz treats knees."
    assert sentence("clinics") == "U.S. clinics vary!"
    assert sentence("Funciona") == "¿Funciona?"
    assert sentence("Sí") == "¡Sí!"
    assert sentence("fig") == "See fig. 2."
    assert sentence("heading") == "A heading"


def test_monolingual_page_is_one_segment() -> None:
    text = "Our clinic treats knees and hips.\n\nThe team is here for you and your family.\n\nGracias."
    assert [s.lang for s in segments(text)] == ["en"]


def test_word_form_cache_gives_the_same_forms(tmp_path, monkeypatch) -> None:
    from claimcheck.nlp import lexicon

    words = {"celula", "curar", "capsule", "softgel"}
    fresh = {w: lexicon.lexicon("es").forms_of(w) for w in words}
    monkeypatch.setenv("CLAIMCHECK_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(lexicon, "_caches", {})
    assert lexicon.word_forms("es", words) == fresh
    lexicon.save_form_caches()
    assert list(tmp_path.glob("word-forms-es-*.json"))
    monkeypatch.setattr(lexicon, "_caches", {})  # a new process reads the file
    assert lexicon.word_forms("es", words) == fresh


def test_unwritable_cache_only_costs_speed(tmp_path, monkeypatch) -> None:
    from claimcheck.nlp import lexicon

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CLAIMCHECK_CACHE_DIR", str(blocker / "sub"))
    monkeypatch.setattr(lexicon, "_caches", {})
    assert "cures" in lexicon.word_forms("en", {"cure"})["cure"]
    lexicon.save_form_caches()  # must not raise


def test_deeply_nested_html_cannot_hide_claims() -> None:
    html = (
        "<html><body>" + "<div>" * 300 + "<p>Our stem cell pills have no side effects.</p>" + "</div>" * 300
    )
    text, _ = extract_html(html + "</body></html>")
    assert "no side effects" in text


def test_csv_cells_never_start_a_formula() -> None:
    import csv
    import io

    from claimcheck.findings import Finding, Report
    from claimcheck.render.csvout import FindingsCsv

    finding = Finding(
        rule="r.x.y",
        category="risk_free",
        severity="high",
        start=0,
        end=3,
        text="=1+1",
        context="asserted",
        message="m",
        sentence='=HYPERLINK("http://evil.example","open")',
    )
    out = io.StringIO()
    FindingsCsv(out).write(Report(id="@SUM(A1)", source="-x", sha256="0", lang="en", findings=[finding]))
    row = list(csv.reader(io.StringIO(out.getvalue())))[1]
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in row)
    assert row[0] == "'@SUM(A1)"


def test_checking_plain_text_does_not_import_the_html_extractor(tmp_path: Path) -> None:
    """trafilatura costs about 0.2 s of every `check` start-up; only HTML needs it."""
    import subprocess
    import sys

    code = (
        "import sys, claimcheck.cli.check\n"
        "from claimcheck.sources import prepare, read_single\n"
        "prepare(read_single(sys.argv[1]))\n"
        "assert 'trafilatura' not in sys.modules, 'imported for plain text'\n"
        "prepare(read_single(sys.argv[2]))\n"
        "assert 'trafilatura' in sys.modules\n"
    )
    text, page = tmp_path / "plain.txt", tmp_path / "page.html"
    text.write_text("Our stem cells cure autism.\n", encoding="utf-8")
    page.write_text("<html><body><p>Our stem cells cure autism.</p></body></html>", encoding="utf-8")
    subprocess.run([sys.executable, "-c", code, str(text), str(page)], check=True, timeout=60)
