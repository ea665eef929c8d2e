"""PDF input: text with pages in order and page offsets; encrypted, image-only and corrupt files skipped
with the reason; long files bounded. Every PDF here is written by hand at test time (text operators,
an image XObject, an Encrypt dictionary), so no PDF writer is needed."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from claimcheck import Checker
from claimcheck.errors import InputError
from claimcheck.sources import Document, iter_documents, prepare
from claimcheck.sources.document import page_of
from claimcheck.sources.inputs import kind_of
from claimcheck.sources.pdf import pdf_text, reflow
from claimcheck.sources.url import fetch

CLAIM = "Our stem cell capsules cure Parkinson's disease and have no side effects."


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _page_stream(text: str) -> bytes:
    ops = ["BT", "/F1 11 Tf", "14 TL", "72 720 Td"]
    ops += [f"({_escape(line)}) Tj T*" for line in text.split("\n")]
    return "\n".join([*ops, "ET"]).encode("latin-1")


def make_pdf(pages: list[str | None], *, encrypt: bool = False) -> bytes:
    """A PDF 1.4 file; a page of None holds only a small grey image (no text layer)."""
    objects: list[bytes] = [b"", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    objects.append(
        b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length 4 >>\nstream\n\x80\x40\x40\x80\nendstream"
    )
    kids = []
    for text in pages:
        stream = b"q 200 0 0 200 100 400 cm /Im1 Do Q" if text is None else _page_stream(text)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R >> >> >>" % len(objects)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    trailer_extra = b""
    if encrypt:  # a standard security handler whose password is not the empty one
        objects.append(
            b"<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 /O <%s> /U <%s> >>"
            % (b"ab" * 32, b"cd" * 32)
        )
        trailer_extra = b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (len(objects), b"01" * 16, b"01" * 16)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer_extra,
        xref,
    )
    return bytes(out)


def pdf_document(raw: bytes) -> Document:
    return Document(id="brochure.pdf", source="brochure.pdf", raw=raw, kind="pdf")


def test_pages_in_order_and_page_starts_point_at_each_page() -> None:
    raw = make_pdf(
        [
            "Welcome to our clinic.\nWe treat knees and hips.",
            f"Why patients choose us.\n{CLAIM}",
            "Contact us.",
        ]
    )
    prepared = prepare(pdf_document(raw))
    text = prepared.text
    assert prepared.page_starts == (0, text.index("Why patients"), text.index("Contact us"))
    assert text.index("Welcome") < text.index("Why patients") < text.index("Contact us")
    assert page_of(prepared.page_starts, text.index("no side effects")) == 2
    assert page_of(prepared.page_starts, 0) == 1 and page_of(prepared.page_starts, len(text) - 1) == 3
    assert page_of((), 10) is None and prepared.comments_from is None and not prepared.truncated


def test_claim_on_page_two_is_found_there(checker: Checker) -> None:
    raw = make_pdf(["Welcome to our clinic in the city centre.", CLAIM])
    report = checker.check_document(pdf_document(raw))
    assert report.verdict == "flagged", report.error
    starts = prepare(pdf_document(raw)).page_starts
    assert {page_of(starts, f.start) for f in report.findings} == {2}


def test_other_documents_have_no_pages() -> None:
    assert prepare(Document(id="x", source="x", raw=CLAIM.encode())).page_starts == ()


def test_a_claim_wrapped_over_two_lines_stays_one_sentence() -> None:
    raw = (
        "Our regenerative protocol uses the same stem cell infusion for every\r\n"
        "condition, from autism to diabetes, and it never causes any side effects\r\n"
        "for our patients, who travel from forty countries for their treat-\r\n"
        "ment.\r\nConditions we treat:\r\nAutism\r\nDiabetes\r\n"
    )
    text = reflow(raw)
    assert "for every condition, from autism" in text and "their treatment." in text
    assert "Conditions we treat:\nAutism\nDiabetes" in text


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (make_pdf([None, None]), "image-only PDF: no text layer"),
        (make_pdf([CLAIM], encrypt=True), "encrypted PDF"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ngarbage", "corrupt PDF"),
        (make_pdf([CLAIM])[:60], "corrupt PDF"),
    ],
    ids=["image-only", "encrypted", "corrupt", "cut"],
)
def test_unreadable_pdfs_are_skipped_with_the_reason(checker: Checker, raw: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        prepare(pdf_document(raw))
    report = checker.check_document(pdf_document(raw))
    assert report.verdict == "skipped" and reason in (report.error or "")


def test_page_and_time_bounds_truncate() -> None:
    raw = make_pdf([f"Page {n}. Our clinic treats knees." for n in range(30)])
    assert len(pdf_text(raw, 10**6, max_pages=10).page_starts) == 10
    assert pdf_text(raw, 10**6, max_pages=10).truncated
    by_time = pdf_text(raw, 10**6, max_seconds=0)
    assert by_time.truncated and len(by_time.page_starts) == 1  # the first page is always read
    by_chars = pdf_text(raw, 100)
    assert by_chars.truncated and len(by_chars.page_starts) < 30


_FIVE_HUNDRED_PAGES = """
import resource, sys, time
from claimcheck.sources import Document, prepare
raw = open(sys.argv[1], "rb").read()
start = time.monotonic()
prepared = prepare(Document(id="x", source="x", raw=raw, kind="pdf"))
# VmHWM belongs to this program's own memory map; ru_maxrss would carry over the forking parent's peak.
peak_kib = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(len(prepared.text), len(prepared.page_starts), prepared.truncated, time.monotonic() - start, peak_kib)
"""


def test_five_hundred_pages_stop_at_the_text_cap(tmp_path: Path) -> None:
    line = "Our clinic offers regenerative treatments to patients from many countries every year."
    raw = make_pdf(["\n".join(f"Page {p}, line {n}: {line}" for n in range(40)) for p in range(500)])
    path = tmp_path / "long.pdf"
    path.write_bytes(raw)
    # A child process, so that its peak memory is its own; the time limit is a guard against a hang.
    result = subprocess.run(
        [sys.executable, "-c", _FIVE_HUNDRED_PAGES, str(path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    chars, pages, truncated, _, peak_kib = result.stdout.split()
    assert int(chars) == 1_000_000 and truncated == "True" and 0 < int(pages) < 500
    # The child's own peak (RUSAGE_CHILDREN would be the largest of every child pytest ever waited for).
    assert int(peak_kib) < 600 * 1024  # KiB: under 600 MB


def test_pdf_files_from_the_command_line(cli, tmp_path: Path) -> None:
    (tmp_path / "brochure.pdf").write_bytes(make_pdf(["Welcome to our clinic.", CLAIM]))
    (tmp_path / "locked.pdf").write_bytes(make_pdf([CLAIM], encrypt=True))
    result = cli("check", str(tmp_path / "brochure.pdf"), "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["verdict"] == "flagged" and report["error"] is None
    text = prepare(pdf_document((tmp_path / "brochure.pdf").read_bytes())).text
    assert all(f["start"] >= text.index("Our stem cell") for f in report["findings"])
    locked = cli("check", str(tmp_path / "locked.pdf"))
    assert locked.exit_code == 2 and "encrypted PDF" in locked.output and "Traceback" not in locked.output
    scan = cli("scan", "--no-model", str(tmp_path), "--format", "jsonl", "--jobs", "1", "--no-progress")
    reports = {Path(r["source"]).name: r for r in map(json.loads, scan.stdout.splitlines())}
    assert reports["brochure.pdf"]["verdict"] == "flagged"
    assert reports["locked.pdf"]["verdict"] == "skipped" and "encrypted" in reports["locked.pdf"]["error"]


def test_the_pdf_header_decides_whatever_the_name() -> None:
    raw = make_pdf([CLAIM])
    assert kind_of("-", raw) == kind_of("brochure.txt", raw) == kind_of("x.pdf", b"") == "pdf"
    assert kind_of("notes.txt", b"A note about %PDF-1.4 headers.") == "text"


class _PdfHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = make_pdf([CLAIM])
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def pdf_server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _PdfHandler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_pdf_url_is_read_as_pdf(pdf_server: str) -> None:
    document = fetch(f"{pdf_server}/brochure")
    assert document.kind == "pdf" and "no side effects" in prepare(document).text


def test_a_pdf_record_in_a_warc_is_a_pdf_document(tmp_path: Path) -> None:
    body = make_pdf([CLAIM])
    http = b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n\r\n" + body
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:pdf1>\r\n"
        "WARC-Target-URI: https://clinic.example/brochure.pdf\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n"
    ).encode()
    path = tmp_path / "crawl.warc"
    path.write_bytes(head + http + b"\r\n\r\n")
    (document,) = iter_documents([str(path)])
    assert document.kind == "pdf" and "no side effects" in prepare(document).text
