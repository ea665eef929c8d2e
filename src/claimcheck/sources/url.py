"""Fetch one page (or PDF) over HTTP(S) with httpx: redirects followed, time-limited, bytes capped."""

from __future__ import annotations

import httpx

from claimcheck import __version__
from claimcheck.errors import InputError
from claimcheck.sources.document import Document
from claimcheck.sources.pdf import is_pdf

USER_AGENT = (
    f"claimcheck/{__version__} (+https://pypi.org/project/claimcheck/; claim checker for clinic pages)"
)
DEFAULT_TIMEOUT = 20.0
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def fetch(url: str, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Fetch a URL into a Document, or raise InputError saying what went wrong."""
    try:
        with (
            httpx.Client(
                follow_redirects=True, timeout=timeout, headers={"User-Agent": USER_AGENT}
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                raise InputError(f"{url}: HTTP {response.status_code} {response.reason_phrase}".rstrip())
            body = bytearray()
            truncated = False
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    del body[max_bytes:]
                    truncated = True
                    break
            content_type = response.headers.get("content-type", "")
            charset = response.charset_encoding
            final_url = str(response.url)
    except httpx.InvalidURL as exc:
        raise InputError(f"{url}: invalid URL ({exc})") from None
    except httpx.TimeoutException:
        raise InputError(f"{url}: timed out after {timeout:g} s") from None
    except httpx.HTTPError as exc:
        reason = str(exc) or type(exc).__name__
        raise InputError(f"{url}: could not fetch ({reason})") from None
    kind = "html" if "html" in content_type or not content_type else "text"
    if "application/pdf" in content_type.lower() or is_pdf(bytes(body[:1024])):
        kind = "pdf"  # a brochure link, or a PDF served as application/octet-stream
    elif not ("text" in content_type or "html" in content_type or "xml" in content_type or not content_type):
        raise InputError(f"{url}: not a web page (content type {content_type.split(';')[0]})")
    return Document(
        id=url, source=url, raw=bytes(body), url=final_url, kind=kind, charset=charset, truncated=truncated
    )
