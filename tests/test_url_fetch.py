"""Fetching a page over HTTP: one clear error, in bounded time, however the server misbehaves."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from claimcheck.errors import InputError
from claimcheck.sources.url import fetch


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/trickle":  # each read returns quickly, so no single read ever times out
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(100000):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.02)
            except OSError:
                return
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
        else:
            body = b"<html><body><p>Our clinic opens at nine.</p></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_a_page_is_fetched(server: str) -> None:
    doc = fetch(server + "/page", timeout=5)
    assert doc.kind == "html" and b"Our clinic" in doc.raw and doc.url == server + "/page"


def test_a_trickling_server_stops_at_the_deadline(server: str) -> None:
    started = time.monotonic()
    with pytest.raises(InputError, match=r"/trickle: took longer than 1 s in all"):
        fetch(server + "/trickle", timeout=0.5)
    assert time.monotonic() - started < 5


def test_a_redirect_loop_is_one_error(server: str) -> None:
    with pytest.raises(InputError, match=r"/loop: could not fetch"):
        fetch(server + "/loop", timeout=5)
