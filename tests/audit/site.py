"""A fixture site served on 127.0.0.1 (never the internet) in two versions, and helpers to audit it."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TREATMENTS_V1 = (
    "<p>Fly to our Cancun clinic for three IV infusions, hotel and airport pickup included.</p>"
    "<p>There are no side effects and no risk of rejection.</p>"
)
TREATMENTS_V2 = (
    "<p>Fly to our Cancun clinic for three IV infusions,\n hotel and airport pickup included.</p>"  # re-flowed text
    "<p>Our stem cell therapy is FDA approved.</p>"
)
PILLS = "<p>Order our stem cell capsules today and feel younger in weeks.</p>"
EXOSOMES = "<p>Our exosome infusion delivers billions of regenerative signals to every organ.</p>"
FILLER = "<p>Our coordinators answer every question before you book a consultation with the team.</p>"


def page(body: str, links: list[str] = ()) -> str:
    anchors = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    return f"<html><head><title>Clinic</title></head><body><nav><ul>{anchors}</ul></nav><main><article>{body}{FILLER}</article></main></body></html>"


def site(version: int, other_host: str) -> dict[str, tuple[int, dict[str, str], bytes, float]]:
    links = [
        "http://[bad/",
        "/bad-redirect",
        "/binary",
        "/treatments",
        "/about",
        "/private/secret",
        "/old-offer",
        "/huge",
        "/slow",
        "/broken",
        f"http://{other_host}/page",
    ]
    links.append("/pills" if version == 1 else "/exosomes")
    html = {"Content-Type": "text/html; charset=utf-8"}
    pages: dict[str, tuple[int, dict[str, str], bytes, float]] = {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n", 0),
        "/sitemap.xml": (
            200,
            {"Content-Type": "application/xml"},
            b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            b"<url><loc>/faq</loc></url><url><loc>http://other.invalid/x</loc></url>"
            b"<url><loc>http://[bad/</loc></url></urlset>",
            0,
        ),
        "/bad-redirect": (302, {"Location": "http://[bad/"}, b"", 0),
        "/binary": (200, {}, b"\x00\x01\x02\x03" * 200, 0),
        "/faq": (200, html, page("<p>Questions about parking, invoices and opening hours.</p>").encode(), 0),
        "/": (200, html, page("<h1>Welcome</h1>", links).encode(), 0),
        "/treatments": (200, html, page(TREATMENTS_V1 if version == 1 else TREATMENTS_V2).encode(), 0),
        "/about": (
            200,
            html,
            page("<p>We are a family clinic in Denver with a friendly team.</p>").encode(),
            0,
        ),
        "/private/secret": (200, html, page(PILLS).encode(), 0),
        "/old-offer": (301, {"Location": "/offer"}, b"", 0),
        "/offer": (
            200,
            html,
            page("<p>Only 4 treatment slots left this month: book now and save 20%.</p>").encode(),
            0,
        ),
        "/huge": (200, html, page(PILLS + "<p>" + "padding words " * 20000 + "</p>").encode(), 0),
        "/slow": (200, html, page("<p>slow</p>").encode(), 3.0),
        "/broken": (500, html, b"<html><body>Internal error</body></html>", 0),
    }
    if version == 1:
        pages["/pills"] = (200, html, page(PILLS).encode(), 0)
    else:
        pages["/exosomes"] = (200, html, page(EXOSOMES).encode(), 0)
    return pages


Routes = dict[str, tuple[int, dict[str, str], bytes, float]]


class FixtureSite:
    def __init__(self, routes: Callable[[int], Routes] = lambda v: site(v, "other.invalid")) -> None:
        self.version = 1
        self.requests: list[str] = []
        self.agents: dict[str, str] = {}  # path -> User-Agent of its last request
        fixture = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fixture.requests.append(self.path)
                fixture.agents[self.path] = self.headers.get("User-Agent", "")
                found = routes(fixture.version).get(self.path)
                if found is None:
                    self.send_error(404)
                    return
                status, headers, body, pause = found
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if pause:
                    time.sleep(pause)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def audit(cli, url: str, out: Path):
    # The crawl's mechanics are under test: the rules' decisions are deterministic, the model has its own tests.
    return cli(
        "audit",
        url,
        "--no-model",
        "--out",
        str(out),
        "--delay",
        "0",
        "--timeout",
        "1",
        "--max-bytes",
        "20k",
        "--no-progress",
    )


def stored_reports(cli, folder: Path) -> dict[str, dict]:
    lines = cli("report", str(folder), "--format", "jsonl").stdout.splitlines()
    return {json.loads(line)["url"].split("/", 3)[-1]: json.loads(line) for line in lines}
