"""Property-based fuzzing (hypothesis) of the readers, the checker and the renderers.

Whatever the input: no exception but a ClaimcheckError, a bounded time per input, and every report is
valid against CONTRACT.md section 3 (keys, types, verdict and categories, offsets into the checked text).

CLAIMCHECK_FUZZ_EXAMPLES sets the total number of examples (default 200, spread over the tests below);
raise it locally for a longer hunt, e.g. CLAIMCHECK_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from claimcheck import Checker
from claimcheck.errors import ClaimcheckError
from claimcheck.findings import Report
from claimcheck.render import csvout, jsonout, terminal
from claimcheck.render.html import write_html_report
from claimcheck.rules.model import CATEGORIES, CONTEXTS, SEVERITIES
from claimcheck.sources.document import Document, prepare
from claimcheck.sources.inputs import iter_documents
from claimcheck.sources.warc import iter_warc

TOTAL = int(os.environ.get("CLAIMCHECK_FUZZ_EXAMPLES", "200"))
DEADLINE = timedelta(seconds=20)  # generous: a bounded input takes milliseconds; a hang takes minutes


def fuzz(share: float) -> settings:
    return settings(
        max_examples=max(5, int(TOTAL * share)),
        deadline=DEADLINE,
        database=None,  # nothing written into the work tree
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@pytest.fixture(scope="module")
def warm() -> Checker:
    """Rules, context and the shipped model (fast mode: no embeddings), pipelines built before the first example."""
    return Checker(fast=True).warm()


# --- the contract validator -------------------------------------------------------------------------------

REPORT_TYPES: dict[str, Any] = {
    "id": str,
    "source": str,
    "url": (str, type(None)),
    "sha256": str,
    "lang": str,
    "verdict": str,
    "categories": list,
    "findings": list,
    "error": (str, type(None)),
    "score": int,
    "truncated": bool,
    "schema_version": str,
}
FINDING_TYPES: dict[str, Any] = {
    "rule": str,
    "category": str,
    "severity": str,
    "start": int,
    "end": int,
    "text": str,
    "context": str,
    "message": str,
    "cue": (str, type(None)),
    "sentence": str,
    "reference": str,
    "evidence": (str, type(None)),
}


def assert_contract(report: Report) -> None:
    """CONTRACT.md section 3 on the JSON as printed, plus offsets that index the checked text."""
    data = json.loads(jsonout.report_json(report))
    for key, kind in REPORT_TYPES.items():
        assert key in data and isinstance(data[key], kind), (key, data.get(key))
    assert len(data["sha256"]) == 64 and int(data["sha256"], 16) >= 0
    assert data["verdict"] in ("flagged", "clean", "skipped")
    asserted = sorted({f["category"] for f in data["findings"] if f["context"] == "asserted"})
    assert data["categories"] == asserted
    assert (data["verdict"] == "flagged") == bool(data["categories"])
    assert (data["verdict"] == "skipped") == (data["error"] is not None)
    if data["error"] is not None:
        assert "\n" not in data["error"] and data["error"].strip()
    text = report.text
    for f in data["findings"]:
        for key, kind in FINDING_TYPES.items():
            assert key in f and isinstance(f[key], kind) and not isinstance(f[key], bool), (key, f.get(key))
        assert f["category"] in CATEGORIES and f["severity"] in SEVERITIES and f["context"] in CONTEXTS
        assert 0 <= f["start"] < f["end"] <= len(text)
        assert text[f["start"] : f["end"]] == f["text"]
        assert f["text"] in f["sentence"] or len(f["sentence"]) < len(f["text"])


def render_everything(report: Report) -> None:
    """Every renderer takes every report: JSON, JSON Lines, CSV, terminal (with and without colour), HTML."""
    assert_contract(report)
    json.loads(jsonout.report_jsonl(report))
    csvout.FindingsCsv(io.StringIO()).write(report)
    for colour in (True, False):
        console = Console(file=io.StringIO(), width=100, color_system="truecolor" if colour else None)
        terminal.render_report(report, console, show_all=True)
    html = io.StringIO()
    write_html_report([report], html, generated_at="2026-01-01T00:00:00+00:00")
    assert "<script>alert" not in html.getvalue()


# --- strategies ------------------------------------------------------------------------------------------

CLAIM_WORDS = (
    "stem cells cure autism",
    "our stem cell capsules",
    "no side effects",
    "100% safe",
    "FDA approved",
    "IV infusions in Tijuana",
    "intrathecal injection",
    "only 3 slots left, book now",
    "Maria walked again",
    "células madre curan la diabetes",
    "cápsulas de células madre",
    "sin efectos secundarios",
    "tratamiento en Cancún",
    "¿Funciona?",
    "¡Sí!",
    "avoid clinics that",
    "may help",
    "dijo un especialista",
    "Dr.",
    "EE.UU.",
)
FRAGMENTS = (
    "<p>",
    "</p>",
    "<td>",
    "<b><i>",
    "<script>alert(1)</script>",
    "<!--",
    "-->",
    "&amp;",
    "&#0;",
    "<![CDATA[",
    '"',
    "'",
    "«",
    "»",
    "\n\n",
    "\n- ",
    "Q: ",
    "A: Yes.",
    "\u202e",
    "\x1b[31m",
    "\r\n",
    "\ufeff",
)
SEPARATORS = st.sampled_from([" ", " ", ". ", "? ", "! ", ", ", "\n", "\n\n", "", "\t", "…"])
runs = st.builds(lambda ch, n: ch * n, st.sampled_from(list("!?'.-_ \n\t*=😀(")), st.integers(1, 300))
words = st.one_of(
    st.sampled_from(CLAIM_WORDS),
    st.sampled_from(FRAGMENTS),
    runs,
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x20), max_size=10),
)
pages = st.lists(st.tuples(words, SEPARATORS), max_size=40).map(
    lambda parts: "".join(w + s for w, s in parts)
)


# --- readers ---------------------------------------------------------------------------------------------


def prepare_or_refuse(doc: Document) -> None:
    try:
        prepared = prepare(doc)
    except ClaimcheckError as exc:
        assert str(exc).strip()
        return
    assert isinstance(prepared.text, str) and prepared.text.strip()
    if prepared.comments_from is not None:
        assert 0 <= prepared.comments_from <= len(prepared.text)


@fuzz(0.15)
@given(raw=st.one_of(st.binary(max_size=3000), pages.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_text_and_html_readers_take_any_bytes(raw: bytes) -> None:
    for kind in ("text", "html"):
        prepare_or_refuse(Document(id="f", source="f", raw=raw, kind=kind))
    prepare_or_refuse(Document(id="f", source="f", raw=raw, kind="html", charset="utf-16"))


@fuzz(0.1)
@given(
    lines=st.lists(
        st.one_of(st.binary(max_size=200), pages.map(lambda t: json.dumps({"text": t}).encode())), max_size=6
    )
)
def test_jsonl_reader_takes_any_lines(lines: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "docs.jsonl"
        path.write_bytes(b"\n".join(lines))
        for doc in iter_documents([str(path)]):
            assert doc.error is None or doc.error.strip()
            if doc.error is None:
                prepare_or_refuse(doc)


def warc_bytes(body: bytes, content_type: str) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        "https://example.org/", "response", payload=io.BytesIO(body), http_headers=headers
    )
    writer.write_record(record)
    return out.getvalue()


@fuzz(0.1)
@given(
    body=st.one_of(st.binary(max_size=500), pages.map(lambda t: t.encode("utf-8", "surrogatepass"))),
    content_type=st.sampled_from(
        ["text/html; charset=utf-8", "text/plain", "text/html; charset=bogus", "image/png"]
    ),
    cut=st.integers(0, 2000),
    noise=st.binary(max_size=40),
)
def test_warc_reader_takes_cut_and_noisy_archives(
    body: bytes, content_type: str, cut: int, noise: bytes
) -> None:
    data = warc_bytes(body, content_type)
    data = data[: len(data) - cut % (len(data) + 1)] + noise + data
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "crawl.warc"
        path.write_bytes(data)
        for doc in iter_warc(path):
            if doc.error is None:
                prepare_or_refuse(doc)


# --- checker and renderers -------------------------------------------------------------------------------


@fuzz(0.35)
@given(text=pages, lang=st.sampled_from([None, None, "en", "es"]))
def test_checker_reports_follow_the_contract(warm: Checker, text: str, lang: str | None) -> None:
    report = warm.check_text(text, lang=lang, id="fuzz", source="fuzz")
    assert_contract(report)


@fuzz(0.2)
@given(text=pages, kind=st.sampled_from(["text", "html"]))
def test_documents_render_everywhere(warm: Checker, text: str, kind: str) -> None:
    raw = text.encode("utf-8", "surrogatepass")
    report = warm.check_document(
        Document(id="fuzz", source="fuzz.html", url="https://example.org/<x>", raw=raw, kind=kind)
    )
    render_everything(report)
