"""Web archives (.warc, .warc.gz) read with warcio, the reference WARC library: every HTML or text
`response` record is a document. A corrupt or truncated record ends that archive with one skipped
document that says where, and the batch goes on with the next input."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from claimcheck.sources.document import Document, charset_of

MAX_RECORD_BYTES = 64 * 1024 * 1024
_TEXTUAL = ("text/html", "application/xhtml", "text/plain")


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith((".warc", ".warc.gz", ".arc", ".arc.gz"))


def iter_warc(path: Path) -> Iterator[Document]:
    name = str(path)
    offset = 0
    try:
        with path.open("rb") as stream:
            records = ArchiveIterator(stream, arc2warc=True)
            for record in records:
                document = _document(name, record)  # read the payload first: the offset call skips it
                offset = records.get_record_offset() + records.get_record_length()
                if document is not None:
                    yield document
    except OSError as exc:
        yield _skipped(name, f"{name}: unreadable ({exc.strerror or exc})")
    except (ArchiveLoadFailed, EOFError, ValueError, AttributeError, KeyError, IndexError, zlib.error) as exc:
        # Hostile bytes: warcio and zlib raise these for truncated members, garbage between records and
        # records with missing headers. The archive ends here; what was read before is kept.
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        yield _skipped(f"{name}@{offset}", f"{name}: corrupt WARC data after offset {offset} ({reason})")


def _document(name: str, record: object) -> Document | None:
    if getattr(record, "rec_type", None) != "response":
        return None
    http = record.http_headers  # type: ignore[attr-defined]
    content_type = (http.get_header("Content-Type") if http else "") or ""
    if content_type and not content_type.lower().startswith(_TEXTUAL):
        return None
    headers = record.rec_headers  # type: ignore[attr-defined]
    record_id = headers.get_header("WARC-Record-ID") or ""
    url = headers.get_header("WARC-Target-URI")
    source = f"{name}#{record_id.strip('<>')}"
    charset = charset_of(content_type)
    try:
        raw = record.content_stream().read(MAX_RECORD_BYTES + 1)  # type: ignore[attr-defined]
    except Exception as exc:  # a broken chunked or compressed body: this record only
        return Document(id=source, source=source, raw=b"", url=url, error=f"unreadable record body ({exc})")
    kind = "text" if "text/plain" in content_type.lower() else "html"
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


def _skipped(source: str, reason: str) -> Document:
    return Document(id=source, source=source, raw=b"", error=reason)
