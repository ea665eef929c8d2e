"""Web archives (.warc, .warc.gz) read with warcio, the reference WARC library: every HTML, text or PDF
`response` record is a document.

warcio reads the good records. A bad stretch (a corrupt gzip member, garbage between records, a record
whose Content-Length disagrees with its bytes) would end warcio's pass or, worse, swallow the records
after it; here it becomes one skipped Document that says at which byte offset, and reading resumes at
the next gzip member or `WARC/1.x` header (warcio again, from there).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from claimcheck.sources.document import Document, charset_of

MAX_RECORD_BYTES = 64 * 1024 * 1024
_TEXTUAL = ("text/html", "application/xhtml", "text/plain", "application/pdf")
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_HEADER = re.compile(rb"\n(WARC/1\.\d\r?\n)")
_SEPARATOR_THEN_RECORD = re.compile(rb"[\r\n]+(?:WARC/|$)")  # what must follow a record's block
_SCAN_CHUNK = 1 << 20
_HEADER_SCAN = 1 << 16  # WARC headers are small; a record whose headers do not end here is broken
# Hostile bytes make warcio and zlib raise these (truncated members, garbage, missing headers).
_CORRUPT = (ArchiveLoadFailed, EOFError, ValueError, AttributeError, KeyError, IndexError, zlib.error)


class _Records(ArchiveIterator):
    INC_RECORD = ""  # warcio prints a warning on a Content-Length mismatch; we report it as a skip instead


@dataclass
class _Bad:
    start: int
    reason: str
    end: int | None = None  # where reading resumed; None: the end of the file


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith((".warc", ".warc.gz", ".arc", ".arc.gz"))


def iter_warc(path: Path) -> Iterator[Document]:
    name = str(path)
    try:
        with path.open("rb") as stream, path.open("rb") as peek:
            gz = peek.read(3) == _GZIP_MAGIC
            yield from _archive(name, stream, peek, gz)
    except OSError as exc:
        yield _skipped(name, f"{name}: unreadable ({exc.strerror or exc})")


def _archive(name: str, stream: IO[bytes], peek: IO[bytes], gz: bool) -> Iterator[Document]:
    """warcio passes from the start and from each resynchronisation point; adjacent bad stretches
    (one pass failing where it began) are reported as one."""
    start: int | None = 0
    pending: _Bad | None = None
    while start is not None:
        stream.seek(start)
        run = _pass(name, stream, peek, gz, start)
        while True:
            try:
                document = next(run)
            except StopIteration as stop:
                bad: _Bad | None = stop.value
                break
            if pending is not None:
                yield _stretch(name, pending)
                pending = None
            yield document
        if bad is None:
            break
        start = _resync(peek, bad.start + 1, gz)
        if pending is None or bad.start != pending.end:
            if pending is not None:
                yield _stretch(name, pending)
            pending = bad
        pending.end = start
    if pending is not None:
        yield _stretch(name, pending)


def _pass(
    name: str, stream: IO[bytes], peek: IO[bytes], gz: bool, start: int
) -> Generator[Document, None, _Bad | None]:
    """Good records from `start` on; returns the bad stretch that stopped the pass, or None at the end."""
    records = _Records(stream, arc2warc=True)
    offset = start  # where the next record begins
    try:
        for record in records:
            errors = records.err_count
            document = _document(name, record)  # read the payload first: the offset call skips it
            record_start, length = records.get_record_offset(), records.get_record_length()
            problem = "its length disagrees with its Content-Length" if records.err_count > errors else None
            if problem is None and not gz and getattr(record, "format", "") == "warc":
                problem = _block_problem(record, peek, record_start)
            if problem is not None:
                return _Bad(record_start, problem)
            offset = records.offset if records.offset > record_start else record_start + length
            if document is not None:
                yield document
    except _CORRUPT as exc:
        return _Bad(offset, _reason(exc))
    return _unread_tail(peek, offset)


def _unread_tail(peek: IO[bytes], offset: int) -> _Bad | None:
    """warcio ends quietly at a truncated last gzip member; bytes left after the last record that are
    not padding are a bad stretch."""
    peek.seek(offset)
    tail = peek.read(_HEADER_SCAN + 1)
    if not tail.strip(b" \t\r\n\x00"):
        return None
    return _Bad(offset, "truncated or unreadable record")


def _reason(exc: Exception) -> str:
    """One short printable line: warcio's messages quote the offending bytes, which may be binary."""
    text = str(exc).strip()
    if text.startswith("Unknown archive format"):
        return "not a WARC record"
    line = text.splitlines()[0] if text else type(exc).__name__
    return "".join(c if c.isprintable() else "?" for c in line)[:120]


def _block_problem(record: Any, peek: IO[bytes], record_start: int) -> str | None:
    """An uncompressed record's block must end where its Content-Length says, followed by the record
    separator and the next record (or the end of the file). A wrong length would swallow what follows."""
    peek.seek(record_start)
    head = peek.read(_HEADER_SCAN)
    header_end = head.find(b"\r\n\r\n")
    declared = record.rec_headers.get_header("Content-Length")
    if header_end < 0 or declared is None or not declared.strip().isdigit():
        return "unreadable record headers"
    peek.seek(record_start + header_end + 4 + int(declared))
    following = peek.read(64)
    if following.startswith(b"\r\n\r\n") or _SEPARATOR_THEN_RECORD.match(following):
        return None  # the block ends where it says (junk after a proper separator is the next stretch)
    if following == b"" and peek.tell() == _size(peek):
        return None
    return "its Content-Length does not end at a record boundary"


def _size(handle: IO[bytes]) -> int:
    position = handle.tell()
    size = handle.seek(0, 2)
    handle.seek(position)
    return size


def _resync(peek: IO[bytes], position: int, gz: bool) -> int | None:
    """The offset of the next readable record at or after `position`: a gzip member that inflates to
    a record header, or a `WARC/1.x` header line at the start of a line. None: there is none."""
    while True:
        peek.seek(position)
        chunk = peek.read(_SCAN_CHUNK + 16)
        if not chunk:
            return None
        found = _candidate(peek, chunk, position, gz)
        if found is not None:
            return found
        if len(chunk) <= _SCAN_CHUNK:
            return None
        position += _SCAN_CHUNK


def _candidate(peek: IO[bytes], chunk: bytes, base: int, gz: bool) -> int | None:
    limit = min(len(chunk), _SCAN_CHUNK)
    if not gz:
        for match in _WARC_HEADER.finditer(chunk):
            if match.start(1) < limit:
                return base + match.start(1)
        return None
    index = chunk.find(_GZIP_MAGIC)
    while 0 <= index < limit:
        if _inflates_to_record(peek, base + index):
            return base + index
        index = chunk.find(_GZIP_MAGIC, index + 1)
    return None


def _inflates_to_record(peek: IO[bytes], offset: int) -> bool:
    peek.seek(offset)
    try:
        head = zlib.decompressobj(wbits=31).decompress(peek.read(4096), 64)
    except zlib.error:
        return False
    return head.startswith((b"WARC/", b"filedesc://")) or re.match(rb"[a-z]+://\S+ ", head) is not None


def _document(name: str, record: Any) -> Document | None:
    if getattr(record, "rec_type", None) != "response":
        return None
    http = record.http_headers
    content_type = (http.get_header("Content-Type") if http else "") or ""
    if content_type and not content_type.lower().startswith(_TEXTUAL):
        return None
    headers = record.rec_headers
    record_id = headers.get_header("WARC-Record-ID") or ""
    url = headers.get_header("WARC-Target-URI")
    source = f"{name}#{record_id.strip('<>')}"
    charset = charset_of(content_type)
    try:
        raw = record.content_stream().read(MAX_RECORD_BYTES + 1)
    except Exception as exc:  # a broken chunked or compressed body: this record only
        return Document(id=source, source=source, raw=b"", url=url, error=f"unreadable record body ({exc})")
    lowered = content_type.lower()
    kind = "pdf" if "application/pdf" in lowered else "text" if "text/plain" in lowered else "html"
    truncated = len(raw) > MAX_RECORD_BYTES
    return Document(
        id=source,
        source=source,
        raw=raw[:MAX_RECORD_BYTES],
        url=url,
        kind=kind,
        charset=charset,
        truncated=truncated,
    )


def _stretch(name: str, bad: _Bad) -> Document:
    until = f"up to offset {bad.end}" if bad.end is not None else "to the end of the file"
    reason = f"{name}: corrupt WARC data after offset {bad.start} ({bad.reason}); skipped {until}"
    return _skipped(f"{name}@{bad.start}", reason)


def _skipped(source: str, reason: str) -> Document:
    return Document(id=source, source=source, raw=b"", error=reason)
