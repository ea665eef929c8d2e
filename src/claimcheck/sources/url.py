"""Fetch one page (or PDF) over HTTP(S) with httpx: redirects followed, time-limited, bytes capped.

httpx's timeout bounds each step (connect, each read); a server that trickles bytes, or a chain of redirects,
could still hold one page for much longer, so the whole fetch also has a deadline.
"""

from __future__ import annotations

import time

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


MAX_REDIRECTS = 10
TOTAL_TIMEOUTS = 2  # the whole fetch may take this many `timeout`s: slow pages load, trickling ones stop


class _Deadline(Exception):
    pass


def fetch(url: str, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Fetch a URL into a Document, or raise InputError saying what went wrong."""
    deadline = time.monotonic() + TOTAL_TIMEOUTS * timeout

    def check_deadline(_response: httpx.Response | None = None) -> None:
        if time.monotonic() > deadline:
            raise _Deadline

    try:
        with (
            httpx.Client(
                follow_redirects=True,
                max_redirects=MAX_REDIRECTS,
                timeout=timeout,
                headers={"User-Agent": USER_AGENT},
                event_hooks={"response": [check_deadline]},  # every hop of a redirect chain
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                raise InputError(f"{url}: HTTP {response.status_code} {response.reason_phrase}".rstrip())
            body = bytearray()
            truncated = False
            for chunk in response.iter_bytes():
                check_deadline()
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
    except _Deadline:
        raise InputError(f"{url}: took longer than {TOTAL_TIMEOUTS * timeout:g} s in all") from None
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
