"""PDF to checked text with PDFium (pypdfium2): pages in order, each page's lines reflowed into
paragraphs so that a claim wrapped over two lines is still one sentence. Encrypted, image-only and
corrupt files raise InputError with the reason; long files stop at the text cap, a page cap or a
time budget and are marked truncated."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

from claimcheck.errors import InputError

MAX_PAGES = 2000
MAX_SECONDS = 30.0  # per document: checked between pages (one PDFium call cannot be interrupted)
PAGE_BREAK = "\n\n"
_MAGIC_WINDOW = 1024
# PDFium is not thread-safe; threads of one process (a Dask worker) take turns.
_LOCK = threading.Lock()
_FPDF_ERR_PASSWORD, _FPDF_ERR_SECURITY = 4, 5
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")
_LINE_END = re.compile(r"[.!?:;…¡¿\"”»)]\s*$")
_BULLET = re.compile(r"^\s*(?:[•●▪◦‣∙·\-–—*]|\d{1,3}[.)]|[a-z][.)])\s")


@dataclass(frozen=True)
class PdfText:
    text: str
    page_starts: tuple[int, ...]  # offset in `text` where each extracted page begins
    truncated: bool


def is_pdf(raw: bytes) -> bool:
    """The `%PDF-` header at the start: a file sniffed as PDF whatever its name or content type."""
    return raw[:_MAGIC_WINDOW].lstrip().startswith(b"%PDF-")


def pdf_text(
    raw: bytes, max_chars: int, *, max_pages: int = MAX_PAGES, max_seconds: float = MAX_SECONDS
) -> PdfText:
    """The text of a PDF's pages, in order, up to `max_chars` characters."""
    import pypdfium2 as pdfium  # lazy: only runs that meet a PDF pay for loading PDFium

    with _LOCK:
        try:
            document = pdfium.PdfDocument(raw)
        except pdfium.PdfiumError as exc:
            raise InputError(_open_error(exc)) from None
        try:
            return _pages(document, max_chars, max_pages, time.monotonic() + max_seconds)
        except pdfium.PdfiumError as exc:
            raise InputError(f"corrupt PDF ({exc})") from None
        finally:
            document.close()


def _open_error(exc: Exception) -> str:
    code = getattr(exc, "err_code", None)
    if code == _FPDF_ERR_PASSWORD:
        return "encrypted PDF: it needs a password to open"
    if code == _FPDF_ERR_SECURITY:
        return "encrypted PDF: unsupported security handler"
    return f"corrupt PDF ({exc})"


def _pages(document: object, max_chars: int, max_pages: int, deadline: float) -> PdfText:
    count = len(document)  # type: ignore[arg-type]
    if count == 0:
        raise InputError("PDF without pages")
    parts: list[str] = []
    starts: list[int] = []
    length = 0
    truncated = count > max_pages
    for index in range(min(count, max_pages)):
        if parts and (length >= max_chars or time.monotonic() > deadline):
            truncated = True
            break
        starts.append(length + len(PAGE_BREAK) * len(parts))
        page_text = _page_text(document[index])  # type: ignore[index]
        parts.append(page_text)
        length += len(page_text)
    if not any(part.strip() for part in parts):
        read = f" in its first {len(parts)} pages" if len(parts) < count else ""
        raise InputError(f"image-only PDF: no text layer{read}")
    return PdfText(PAGE_BREAK.join(parts), tuple(starts), truncated)


def _page_text(page: object) -> str:
    textpage = page.get_textpage()  # type: ignore[attr-defined]
    try:
        raw = textpage.get_text_range()
    finally:
        textpage.close()
        page.close()  # type: ignore[attr-defined]
    return reflow(raw)


def reflow(raw: str) -> str:
    """PDFium gives one line per visual line. A wrapped line of prose joins the next (a sentence split
    by the layout stays one sentence); short lines (headings, list items) and lines that end a sentence
    keep their break; a blank line stays a paragraph break. "treat-" + "ment" joins without the hyphen."""
    lines = [
        line.strip() for line in _CONTROL.sub("", raw.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    ]
    lengths = sorted(len(line) for line in lines if line)
    if not lengths:
        return ""
    wrap_width = 0.6 * lengths[int(0.9 * (len(lengths) - 1))]  # near the page's full line width
    out: list[str] = []
    for line, following in zip(lines, [*lines[1:], ""], strict=True):
        out.append(line)
        if not line or not following:
            out.append("\n")
        elif len(line) >= wrap_width and not _LINE_END.search(line) and not _BULLET.match(following):
            if line.endswith("-") and following[:1].islower():
                out[-1] = line[:-1]
            else:
                out.append(" ")
        else:
            out.append("\n")
    text = "".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
