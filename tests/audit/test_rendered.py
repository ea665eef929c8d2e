"""Audits that render pages in Chromium, take screenshots, read PDFs, and finish on a 30 MB page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from .site import (
    EXOSOMES,
    TREATMENTS_V1,
    FixtureSite,
    Routes,
    page,
    stored_reports,
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
