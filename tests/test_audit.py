"""Site audits against a fixture site served on 127.0.0.1 (never the internet), and diff between versions."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

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


@pytest.fixture()
def fixture_site() -> Iterator[FixtureSite]:
    served = FixtureSite()
    yield served
    served.close()


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


def test_audit_fetches_allowed_pages_keeps_evidence_and_flags_claims(
    cli, fixture_site: FixtureSite, tmp_path: Path
) -> None:
    out = tmp_path / "audit1"
    result = audit(cli, fixture_site.url, out)
    assert result.exit_code == 0, result.stderr
    assert "/private/secret" not in fixture_site.requests  # robots.txt honoured
    assert {"/robots.txt", "/", "/treatments", "/about", "/old-offer", "/offer", "/pills"} <= set(
        fixture_site.requests
    )

    reports = stored_reports(cli, out)
    assert set(reports) == {"", "treatments", "about", "offer", "huge", "pills", "faq", "binary"}
    assert reports["binary"]["verdict"] == "skipped"
    assert sorted(reports["treatments"]["categories"]) == ["overseas_iv", "risk_free"]
    assert reports["offer"]["categories"] == ["pressure_pricing"]
    assert reports["about"]["verdict"] == "clean"
    assert reports["huge"]["truncated"] is True
    for report in reports.values():
        if report["verdict"] == "skipped":
            continue
        assert report["fetched_at"].endswith("+00:00") and report["warc_record_id"].startswith("<urn:uuid:")
        assert len(report["sha256"]) == 64
    assert reports["offer"]["redirected_from"] == [fixture_site.url + "old-offer"]

    manifest = json.loads((out / "manifest.json").read_text())
    reasons = {item["url"].rsplit("/", 1)[-1]: item["reason"] for item in manifest["skipped"]}
    assert reasons["broken"] == "HTTP 500" and reasons["slow"] == "timed out"
    assert "not a URL" in reasons["bad-redirect"] and reasons["binary"].startswith("binary data")
    assert manifest["truncated"] == [fixture_site.url + "huge"]
    assert manifest["blocked_by_robots"] == [fixture_site.url + "private/secret"]
    assert "/faq" in fixture_site.requests  # only the sitemap links to it
    assert manifest["seed_url"] == fixture_site.url and manifest["tool_version"] and manifest["rules_digest"]
    assert not any("other.invalid" in item["url"] for item in manifest["skipped"])

    with (out / "crawl.warc.gz").open("rb") as stream:
        records = [
            (
                r.rec_type,
                r.rec_headers.get_header("WARC-Target-URI"),
                r.rec_headers.get_header("WARC-Payload-Digest"),
            )
            for r in ArchiveIterator(stream)
        ]
    targets = {uri for kind, uri, _ in records if kind == "response"}
    assert fixture_site.url + "treatments" in targets and fixture_site.url + "robots.txt" in targets
    assert not any("private" in uri or "other.invalid" in uri for _, uri, _ in records)
    assert all(digest for kind, _, digest in records if kind == "response")
    with (out / "crawl.warc.gz").open("rb") as stream:
        cut = {
            r.rec_headers.get_header("WARC-Target-URI"): r.rec_headers.get_header("WARC-Truncated")
            for r in ArchiveIterator(stream)
            if r.rec_type == "response"
        }
    assert cut[fixture_site.url + "huge"] == "length" and cut[fixture_site.url + "treatments"] is None
    again = audit(cli, fixture_site.url, out)
    assert again.exit_code == 2 and "already holds an audit" in again.stderr
    assert {kind for kind, _, _ in records} == {"request", "response"}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "treatments" in html and "<mark" in html
    assert "pressure_pricing" in cli("report", str(out), "--by", "rule").stdout


def test_dead_seed_url_is_one_line(cli, tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = audit(cli, f"http://127.0.0.1:{port}/", tmp_path / "dead")
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "seed URL" in result.stderr


def test_diff_lists_exactly_the_claims_that_changed(cli, fixture_site: FixtureSite, tmp_path: Path) -> None:
    audit(cli, fixture_site.url, tmp_path / "v1")
    fixture_site.version = 2
    audit(cli, fixture_site.url, tmp_path / "v2")
    result = cli("diff", str(tmp_path / "v1"), str(tmp_path / "v2"), "--format", "json")
    changes = json.loads(result.stdout)
    added = sorted((c["url"].rsplit("/", 1)[-1], c["category"]) for c in changes["added"])
    removed = sorted((c["url"].rsplit("/", 1)[-1], c["category"]) for c in changes["removed"])
    assert added == [("exosomes", "unverified_product"), ("treatments", "regulatory_misrep")]
    assert removed == [("pills", "oral_product"), ("treatments", "risk_free"), ("treatments", "risk_free")]
    assert [p.rsplit("/", 1)[-1] for p in changes["pages_added"]] == ["exosomes"]
    assert [p.rsplit("/", 1)[-1] for p in changes["pages_removed"]] == ["pills"]
    assert changes["unchanged"] >= 3  # the re-flowed IV/travel claims and the offer page match again
    side_by_side = tmp_path / "diff.html"
    assert cli("diff", str(tmp_path / "v1"), str(tmp_path / "v2"), "--html", str(side_by_side)).exit_code == 0
    assert "removed" in side_by_side.read_text() and "<mark>" in side_by_side.read_text()
    table = cli("diff", str(tmp_path / "v1"), str(tmp_path / "v2"))
    assert "2 claims added" in table.stdout or "claims added" in table.stdout


@pytest.mark.parametrize("size", ["0", "-5", "inf", "1e400", "lots"])
def test_bad_max_bytes_is_one_line(cli, tmp_path: Path, size: str) -> None:
    result = cli("audit", "http://127.0.0.1:9/", "--out", str(tmp_path / "a"), "--max-bytes", size)
    assert result.exit_code == 2 and "--max-bytes" in result.stderr and "Traceback" not in result.stderr


def test_audit_exit_code_follows_fail_on(cli, fixture_site: FixtureSite, tmp_path: Path) -> None:
    args = ["--delay", "0", "--timeout", "1", "--max-bytes", "20k", "--no-progress"]
    assert (
        cli("audit", fixture_site.url, "--out", str(tmp_path / "a"), *args, "--fail-on", "low").exit_code == 1
    )
    assert (
        cli("audit", fixture_site.url, "--out", str(tmp_path / "b"), *args, "--fail-on", "never").exit_code
        == 0
    )


# --- rendered pages, screenshots, PDFs and a 30 MB page ------------------------------------------------

# The claim is written by a script from pieces, so the served bytes never hold it as text.
SCRIPTED = (
    "<p>Questions about parking and opening hours.</p><script>"
    "document.querySelector('article').innerHTML = ['<p>Order our stem cell',"
    " 'capsules today and feel younger in weeks.</p>', '<p><a href=\"/written\">more</a></p>'].join(' ');"
    "</script>"
)
PDF_CLAIM = "Order our stem cell capsules today and feel younger in weeks."


def pdf_with(text: str) -> bytes:
    """A one-page PDF whose page shows `text` (Helvetica, uncompressed), xref offsets computed."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >>"
        b" /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def render_site(version: int) -> Routes:
    html = {"Content-Type": "text/html; charset=utf-8"}
    links = ["/scripted", "/plain", "/about", "/hang", "/doc.pdf", "/leaflet.pdf", "/binary"]
    return {
        "/": (200, html, page("<h1>Welcome</h1>", links).encode(), 0),
        "/scripted": (200, html, page(SCRIPTED).encode(), 0),
        "/written": (200, html, page(EXOSOMES).encode(), 0),  # linked only from the script's text
        "/plain": (200, html, page(TREATMENTS_V1).encode(), 0),
        "/about": (200, html, page("<p>We are a family clinic in Denver.</p>").encode(), 0),
        # The page itself arrives at once; a script it needs never does, so its load event never fires.
        "/hang": (200, html, page("<p>Please wait.</p><script src='/never.js'></script>").encode(), 0),
        "/never.js": (200, {"Content-Type": "text/javascript"}, b"// late", 20.0),
        "/doc.pdf": (200, {"Content-Type": "application/pdf"}, pdf_with(PDF_CLAIM), 0),
        "/leaflet.pdf": (200, {"Content-Type": "application/octet-stream"}, pdf_with(PDF_CLAIM), 0),
        "/binary": (200, {}, b"\x00\x01\x02\x03" * 200, 0),  # no type: not worth a browser
    }


@pytest.fixture(scope="module")
def rendered_site() -> Iterator[FixtureSite]:
    served = FixtureSite(render_site)
    yield served
    served.close()


def needs_chromium() -> None:
    from claimcheck.browser import find_browser

    if find_browser() is None:
        pytest.skip("no Chromium on this machine (apt-get install chromium)")


def test_audit_render_and_screenshots(cli, checker, rendered_site: FixtureSite, tmp_path: Path) -> None:
    import hashlib
    import inspect

    from claimcheck.render.html import write_html_report
    from claimcheck.sources.document import Document

    needs_chromium()
    args = ["--delay", "0", "--timeout", "5", "--no-progress", "--fail-on", "never"]
    out = tmp_path / "rendered"
    before = rendered_site.requests.count("/scripted")
    result = cli(
        "audit", rendered_site.url, "--out", str(out), *args, "--render", "--screenshots", "--no-model"
    )
    assert result.exit_code == 0, result.stderr
    reports = stored_reports(cli, out)
    assert reports["scripted"]["categories"] == ["oral_product"]
    assert reports["written"]["categories"] == ["unverified_product"]  # a link only the script wrote
    assert reports["scripted"]["rendered"] is True and reports["plain"]["verdict"] == "flagged"
    assert reports["hang"]["verdict"] == "skipped" and "did not finish loading" in reports["hang"]["error"]
    assert reports["binary"]["error"].startswith("binary data") and "rendered" not in reports["binary"]
    assert rendered_site.requests.count("/scripted") == before + 1  # the browser was handed the fetched bytes
    assert rendered_site.agents["/never.js"].startswith("claimcheck/")  # its own requests say who asks
    for pdf in ("doc.pdf", "leaflet.pdf"):  # checked as PDFs: flagged once PDF reading exists, else skipped
        assert reports[pdf]["verdict"] in ("flagged", "skipped") and "rendered" not in reports[pdf]
        assert reports[pdf]["verdict"] == "skipped" or reports[pdf]["categories"] == ["oral_product"]

    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["rendered"]) == {
        rendered_site.url + p for p in ("", "scripted", "written", "plain", "about")
    }
    reasons = {item["url"].rsplit("/", 1)[-1]: item["reason"] for item in manifest["skipped"]}
    assert reasons["hang"].startswith("not rendered: the page did not finish loading within 5 s")
    shots = {shot["url"].rsplit("/", 1)[-1]: shot for shot in manifest["screenshots"]}
    assert set(shots) == {"scripted", "written", "plain"}  # every flagged HTML page, nothing else
    assert sorted(p.name for p in (out / "screenshots").iterdir()) == ["0001.png", "0002.png", "0003.png"]
    for name, shot in shots.items():
        png = (out / shot["file"]).read_bytes()
        assert png.startswith(b"\x89PNG") and hashlib.sha256(png).hexdigest() == shot["sha256"]
        assert (
            shot["taken_at"].endswith("+00:00") and shot["warc_record_id"] == reports[name]["warc_record_id"]
        )
        assert reports[name]["screenshot"] == shot["file"]

    with (out / "crawl.warc.gz").open("rb") as stream:
        records = [(r.rec_type, r.rec_headers, r.content_stream().read()) for r in ArchiveIterator(stream)]
    responses = {h.get_header("WARC-Record-ID"): body for kind, h, body in records if kind == "response"}
    conversions = {
        h.get_header("WARC-Target-URI"): (h, body) for kind, h, body in records if kind == "conversion"
    }
    headers, dom = conversions[rendered_site.url + "scripted"]
    assert (
        b"stem cell capsules" in dom
        and b"stem cell capsules" not in responses[headers.get_header("WARC-Refers-To")]
    )
    assert headers.get_header("WARC-Refers-To") == reports["scripted"]["warc_record_id"]
    assert reports["scripted"]["render_record_id"] == headers.get_header("WARC-Record-ID")
    served = responses[reports["scripted"]["warc_record_id"]]
    static = checker.check_document(Document(id="s", source="s", raw=served, kind="html"))
    assert static.verdict == "clean"  # what a plain fetch checks misses the claim

    html = (out / "report.html").read_text(encoding="utf-8")
    if "screenshots" in inspect.signature(write_html_report).parameters:  # the report owner's parameter
        assert shots["scripted"]["file"] in html


def test_check_url_render(cli, rendered_site: FixtureSite) -> None:
    needs_chromium()
    url = rendered_site.url + "scripted"
    shown = cli("check", url, "--render", "--format", "json", "--no-model")
    assert shown.exit_code == 1, shown.stderr
    assert json.loads(shown.stdout)["categories"] == ["oral_product"]
    assert json.loads(shown.stdout)["source"] == url


def test_render_without_a_browser_is_one_line(cli, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no chromium, chromium-browser or google-chrome here
    result = cli("check", "http://127.0.0.1:9/", "--render")
    assert (
        result.exit_code == 2
        and result.stderr.strip() == "claimcheck: error: --render needs Chromium: apt-get install chromium"
    )
    out = tmp_path / "audit"
    result = cli("audit", "http://127.0.0.1:9/", "--out", str(out), "--screenshots", "--no-progress")
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "--screenshots needs Chromium" in result.stderr and not out.exists()


THIRTY_MB = page(TREATMENTS_V1 + "<p>" + "padding words " * (30 * 1024 * 1024 // 14) + "</p>").encode()


def test_audit_of_a_30_mb_page_finishes_with_a_report(cli, tmp_path: Path) -> None:
    html = {"Content-Type": "text/html; charset=utf-8"}
    routes: Routes = {
        "/": (200, html, page("<h1>Welcome</h1>", ["/big", "/about"]).encode(), 0),
        "/big": (200, html, THIRTY_MB, 0),
        "/about": (200, html, page("<p>We are a family clinic in Denver.</p>").encode(), 0),
    }
    served = FixtureSite(lambda version: routes)
    try:  # the default --max-bytes (10 MB) and --timeout
        result = cli("audit", served.url, "--out", str(tmp_path / "a"), "--delay", "0", "--no-progress")
    finally:
        served.close()
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["truncated"] == [served.url + "big"] and manifest["pages_checked"] == 3
    big = stored_reports(cli, tmp_path / "a")["big"]
    assert big["truncated"] is True and sorted(big["categories"]) == ["overseas_iv", "risk_free"]
    assert (tmp_path / "a" / "report.html").stat().st_size > 0
