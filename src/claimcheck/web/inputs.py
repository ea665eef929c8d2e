"""Form fields into what the app checks or opens: one Document (pasted text, an upload, a URL) or a
store path. Every field is validated here; a bad one is a ClaimcheckError, shown as one line."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePath
from typing import Any

from claimcheck.errors import ClaimcheckError
from claimcheck.render.reportmodel import clean
from claimcheck.sources import Document
from claimcheck.sources.inputs import kind_of
from claimcheck.sources.url import fetch, is_url

MAX_INPUT_BYTES = 10 * 1024 * 1024  # a paste, an upload, a fetched page
URL_TIMEOUT = 15.0  # seconds, per connect/read step of the fetch
MAX_URL = 2048
MAX_PATH = 4096
LIMITS = range(1, 1001)  # rows per ranking
PASTED = "pasted text"


def lang_choice(value: str | None) -> str | None:
    """The language field: "auto" (or nothing) detects per block; "en" or "es" forces it."""
    value = (value or "auto").strip().lower()
    if value == "auto":
        return None
    if value in ("en", "es"):
        return value
    raise ClaimcheckError("language: choose auto, en or es")


def document_from(values: Mapping[str, str], files: Mapping[str, Any]) -> Document:
    """The one Document a form asks for: pasted `text`, an uploaded `file`, or a `url` to fetch."""
    text, url = values.get("text", ""), values.get("url", "").strip()
    upload = files.get("file")
    has_upload = upload is not None and bool(upload.filename)
    given = [
        name for name, present in (("text", text.strip()), ("url", url), ("file", has_upload)) if present
    ]
    if not given:
        raise ClaimcheckError("nothing to check: paste some text, choose a file or give a URL")
    if len(given) > 1:
        raise ClaimcheckError(f"give one thing to check at a time (got {' and '.join(given)})")
    if given == ["text"]:
        return _pasted(text)
    if given == ["url"]:
        return _fetched(url)
    return _uploaded(upload)


def _pasted(text: str) -> Document:
    raw = text.encode("utf-8", "replace")
    if len(raw) > MAX_INPUT_BYTES:
        raise ClaimcheckError(f"pasted text: larger than {MAX_INPUT_BYTES // 2**20} MB")
    return Document(id=PASTED, source=PASTED, raw=raw, kind=kind_of(PASTED, raw))


def _uploaded(upload: Any) -> Document:
    name = clean(PurePath(str(upload.filename).replace("\\", "/")).name, 200) or "upload"
    raw = upload.stream.read(MAX_INPUT_BYTES + 1)
    if len(raw) > MAX_INPUT_BYTES:
        raise ClaimcheckError(f"{name}: larger than {MAX_INPUT_BYTES // 2**20} MB")
    if not raw:
        raise ClaimcheckError(f"{name}: empty file")
    return Document(id=name, source=name, raw=raw, kind=kind_of(name, raw))


def _fetched(url: str) -> Document:
    if len(url) > MAX_URL or not is_url(url) or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise ClaimcheckError("URL: give one http:// or https:// address")
    return fetch(url, timeout=URL_TIMEOUT, max_bytes=MAX_INPUT_BYTES)


def store_target(value: str | None) -> Path:
    """The path typed into the store form (a store file or an audit folder); existence is checked later."""
    value = (value or "").strip()
    if not value:
        raise ClaimcheckError("give the path of a store (a .sqlite file from `scan --db`) or an audit folder")
    if len(value) > MAX_PATH or "\x00" in value:
        raise ClaimcheckError("store path: too long or not a path")
    return Path(value).expanduser()


def row_limit(value: str | None, default: int = 50) -> int:
    if value is None or not value.strip():
        return default
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if limit not in LIMITS:
        raise ClaimcheckError(f"rows: give a number from {LIMITS.start} to {LIMITS.stop - 1}")
    return limit
