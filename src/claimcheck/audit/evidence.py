"""WARC evidence of an audit: every request and response as exchanged, and rendered DOMs as conversions."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from claimcheck.browser import Rendered


class Evidence:
    """The WARC file: every request and response exactly as exchanged."""

    def __init__(self, path: Path) -> None:
        self.handle = path.open("ab")
        self.writer = WARCWriter(self.handle, gzip=True)

    def close(self) -> None:
        self.handle.close()

    def record(
        self, response: httpx.Response, body: bytes, fetched_at: str, *, truncated: bool = False
    ) -> str:
        request = response.request
        request_headers = StatusAndHeaders(
            f"{request.method} {request.url.raw_path.decode('ascii', 'replace')} HTTP/1.1",
            [(k, v) for k, v in request.headers.items()],
            is_http_request=True,
        )
        request_record = self.writer.create_warc_record(
            str(request.url),
            "request",
            http_headers=request_headers,
            warc_headers_dict={"WARC-Date": fetched_at},
        )
        status_line = f"{response.status_code} {response.reason_phrase or ''}".strip()
        # The body is stored decoded (httpx undoes gzip/br); drop headers that no longer describe it.
        response_headers = StatusAndHeaders(
            status_line,
            [
                (k, v)
                for k, v in response.headers.items()
                if k.lower() not in ("content-encoding", "transfer-encoding", "content-length")
            ],
            protocol="HTTP/1.1",
        )
        response_record = self.writer.create_warc_record(
            str(response.url),
            "response",
            payload=io.BytesIO(body),
            http_headers=response_headers,
            # A body cut at --max-bytes must not pass for the complete response.
            warc_headers_dict={
                "WARC-Date": fetched_at,
                **({"WARC-Truncated": "length"} if truncated else {}),
            },
        )
        record_id = response_record.rec_headers.get_header("WARC-Record-ID")
        request_record.rec_headers.add_header("WARC-Concurrent-To", record_id)
        self.writer.write_record(request_record)
        self.writer.write_record(response_record)
        self.handle.flush()
        return str(record_id)

    def conversion(self, url: str, rendered: Rendered, refers_to: str | None) -> str:
        """The rendered DOM as a `conversion` record of the response it came from: what was checked."""
        headers = {"WARC-Date": rendered.rendered_at, **({"WARC-Refers-To": refers_to} if refers_to else {})}
        if rendered.truncated:
            headers["WARC-Truncated"] = "length"
        record = self.writer.create_warc_record(
            url,
            "conversion",
            payload=io.BytesIO(rendered.html),
            length=len(rendered.html),
            warc_content_type="text/html; charset=utf-8",
            warc_headers_dict=headers,
        )
        self.writer.write_record(record)
        self.handle.flush()
        return str(record.rec_headers.get_header("WARC-Record-ID"))
