"""Turn command-line inputs into Documents: files (text, HTML, PDF), folders, `-`, URLs, JSON Lines files
and WARCs. Every input, and every entry of a folder, becomes one Document: unreadable ones carry `error`."""

from __future__ import annotations

import errno
import gzip
import json
import os
import stat
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from fnmatch import fnmatch
from functools import partial
from pathlib import Path
from typing import Protocol

from claimcheck.errors import InputError
from claimcheck.sources.document import Document
from claimcheck.sources.pdf import is_pdf
from claimcheck.sources.url import fetch, is_url
from claimcheck.sources.warc import is_warc, iter_warc

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
MAX_FILE_BYTES = 64 * 1024 * 1024


def kind_of(path: str, head: bytes) -> str:
    suffix = Path(path).suffix.lower()
    if suffix == ".pdf" or is_pdf(head):
        return "pdf"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "text"
    sniff = head[:512].lstrip().lower()
    return "html" if sniff.startswith((b"<!doctype html", b"<html")) else "text"


def read_file(path: Path) -> Document:
    name = str(path)
    try:
        if path.is_dir():
            raise InputError(f"{name}: is a folder; use `claimcheck scan` to check many documents")
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
    return _capped(Document(id=name, source=name, raw=raw, kind=kind_of(name, raw)))


def read_stdin() -> Document:
    raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    return _capped(Document(id="-", source="-", raw=raw, kind=kind_of("-", raw)))


def _capped(doc: Document) -> Document:
    """Documents larger than MAX_FILE_BYTES are read up to it and marked truncated, never refused."""
    if len(doc.raw) > MAX_FILE_BYTES:
        doc.raw = doc.raw[:MAX_FILE_BYTES]
        doc.truncated = True
    return doc


def read_single(value: str) -> Document:
    """The one document of `claimcheck check`: a file, `-` or a URL. Raises InputError."""
    if value == "-":
        return read_stdin()
    if is_url(value):
        return fetch(value)
    path = Path(value)
    if is_warc(path) or is_jsonl(path):
        raise InputError(f"{value}: holds many documents; use `claimcheck scan {value}`")
    return read_file(path)


def is_jsonl(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith((".jsonl", ".jsonl.gz", ".ndjson"))


def iter_documents(inputs: Iterable[str], *, glob: str | None = None) -> Iterator[Document]:
    """Every document named by the inputs, in order. Unreadable ones carry `error` instead of failing.

    `glob` filters the files found inside folders by name (e.g. "*.html").
    """
    for value in inputs:
        if value == "-":
            yield from _jsonl_lines(sys.stdin.buffer, "-")
        elif is_url(value):
            yield _guarded(value, partial(fetch, value))
        else:
            path = Path(value)
            if path.is_dir():
                yield from _folder(path, glob)
            elif is_jsonl(path):
                yield from _jsonl_file(path)
            elif is_warc(path):
                yield from iter_warc(path)
            else:
                yield _guarded(value, partial(read_file, path))


def read_url_list(path: Path) -> list[str]:
    """A .txt list of URLs, one per line; blank lines and # comments are ignored."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the URL list ({exc})") from None
    urls = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    bad = [u for u in urls if not is_url(u)]
    if bad:
        raise InputError(f"{path}: not an http(s) URL: {bad[0]!r}")
    return urls


def check_inputs_exist(inputs: Iterable[str]) -> None:
    """Usage errors up front: a batch that names a missing path is a typo, not a skipped document."""
    for value in inputs:
        if value != "-" and not is_url(value) and not Path(value).exists():
            raise InputError(f"{value}: no such file or folder")


def _guarded(source: str, read: Callable[[], Document]) -> Document:
    try:
        return read()
    except InputError as exc:
        return Document(id=source, source=source, raw=b"", error=str(exc))


def _folder(folder: Path, glob: str | None = None) -> Iterator[Document]:
    """Every entry of the folder tree gets one report: files are read, anything else (a dangling or
    looping link, a FIFO, a socket, a device, a link to a folder, an unlistable folder) is skipped
    with the reason. A FIFO is never opened: opening it would wait for a writer."""
    entries, unlistable = _walk(folder)
    for path in sorted(entries + list(unlistable)):
        if path in unlistable:
            yield _skipped(path, unlistable[path])
            continue
        if path.name.startswith(".") or (glob and not fnmatch(path.name, glob)):
            continue
        reason = _not_a_file(path)
        if reason is not None:
            yield _skipped(path, f"{path}: {reason}")
        elif is_jsonl(path):
            yield from _jsonl_file(path)
        elif is_warc(path):
            yield from iter_warc(path)
        else:
            yield _guarded(str(path), partial(read_file, path))


def _walk(folder: Path) -> tuple[list[Path], dict[Path, str]]:
    """All entries below `folder` but folders themselves; links to folders are entries, not followed
    (no loops, no walking out of the tree). Folders that cannot be listed come back with the reason."""
    entries: list[Path] = []
    unlistable: dict[Path, str] = {}
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as listing:
                for entry in listing:
                    path = Path(entry.path)
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(path)
                    else:
                        entries.append(path)
        except OSError as exc:
            unlistable[current] = f"{current}: cannot list the folder ({exc.strerror or exc})"
    return entries, unlistable


def _not_a_file(path: Path) -> str | None:
    """Why a folder entry is not a regular file to read, or None when it is one."""
    try:
        mode = path.stat().st_mode  # follows links: a link to a file is read like the file
    except FileNotFoundError:
        return "dangling symbolic link (its target does not exist)"
    except OSError as exc:
        if path.is_symlink() and exc.errno == errno.ELOOP:
            return "symbolic link loop"
        return f"cannot read ({exc.strerror or exc})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "symbolic link to a folder, not followed"
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO), not a file: not opened"
    if stat.S_ISSOCK(mode):
        return "socket, not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device, not a file"
    return "not a regular file"


def _skipped(path: Path, reason: str) -> Document:
    return Document(id=str(path), source=str(path), raw=b"", error=reason)


def _jsonl_file(path: Path) -> Iterator[Document]:
    try:
        if path.name.lower().endswith(".gz"):
            with gzip.open(path, "rb") as handle:
                yield from _jsonl_lines(handle, str(path))
        else:
            with path.open("rb") as handle:
                yield from _jsonl_lines(handle, str(path))
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError; zlib.error is not
        yield Document(id=str(path), source=str(path), raw=b"", error=f"{path}: unreadable ({exc})")


class _Readable(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


def _bounded_lines(handle: _Readable) -> Iterator[bytes | None]:
    """The lines of a stream, each at most MAX_FILE_BYTES; None stands for a longer line, whose rest is
    read past in chunks, never held."""
    while line := handle.readline(MAX_FILE_BYTES + 1):
        if len(line) <= MAX_FILE_BYTES or line.endswith(b"\n"):
            yield line
            continue
        while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
            pass
        yield None


def _jsonl_lines(handle: _Readable, name: str) -> Iterator[Document]:
    for number, line in enumerate(_bounded_lines(handle), start=1):
        source = f"{name}:{number}"
        if line is None:
            error = f"line {number}: longer than {MAX_FILE_BYTES // (1024 * 1024)} MB"
            yield Document(id=source, source=source, raw=b"", error=error)
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            yield Document(
                id=source, source=source, raw=line, error=f"line {number}: invalid JSON ({exc.args[0]})"
            )
            continue
        if not isinstance(record, dict):
            yield Document(id=source, source=source, raw=line, error=f"line {number}: not a JSON object")
            continue
        body, kind = record.get("text"), "text"
        if not isinstance(body, str):
            body, kind = record.get("html"), "html"
        doc_id = str(record["id"]) if record.get("id") is not None else source
        url = record.get("url") if isinstance(record.get("url"), str) else None
        if not isinstance(body, str):
            yield Document(
                id=doc_id, source=source, raw=line, url=url, error=f"line {number}: no 'text' or 'html'"
            )
            continue
        # Lone surrogates ("\\ud800") are valid JSON but cannot be encoded: they become U+FFFD.
        yield Document(id=doc_id, source=source, raw=body.encode("utf-8", "replace"), url=url, kind=kind)
