"""`claimcheck serve`: checking pasted, uploaded and fetched input; guards and errors; the real server in
headless Chromium."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from urllib.parse import quote

import pytest

from claimcheck.web import create_app
from claimcheck.web.inputs import MAX_INPUT_BYTES

from .pages import (
    CLAIMS,
    HOSTILE,
    IMG,
    SCRIPT_TAG,
    WARNING,
    assert_safe_page,
    error_line,
)

# --------------------------------------------------------------------------------------------- checking


def test_front_page_offers_paste_upload_url_and_stores(client):
    response = client.get("/")
    assert response.status_code == 200
    page = assert_safe_page(response)
    names = set(page.values("name"))
    assert {"text", "file", "url", "lang"} <= names
    assert "/store" in page.values("href")
    assert 'enctype="multipart/form-data"' in response.get_data(as_text=True)


def test_pasted_text_is_annotated_like_the_report(client, app):
    response = client.post("/check", data={"text": f"{CLAIMS}\n\n{WARNING}", "lang": "auto"})
    assert response.status_code == 200
    page = assert_safe_page(response)
    html = response.get_data(as_text=True)
    # The checked text with each claim highlighted by category and numbered; the warning muted.
    text_view = html[html.index('<div class="checked-text">') :]
    text_view = text_view[: text_view.index("</div>")]
    assert re.search(r'<mark class="cat-cure_all"[^>]*>cure Parkinson[^<]*</mark><sup>1</sup>', text_view)
    assert re.search(r'<mark class="cat-risk_free"[^>]*>no side effects</mark><sup>2</sup>', text_view)
    assert re.search(
        r'<mark class="muted" title="oral_product · cautionary">stem cell pills</mark>', text_view
    )
    # The report's partials: claims with context, rule, message and reference; mentions collapsed.
    assert '<li class="finding" data-cat="cure_all">' in html and "context: <b>asserted</b>" in html
    assert 'rule <span class="muted">cure_all.' in html and '<p class="message">' in html
    assert 'Reference: <a href="https://' in html
    assert "1 non-asserted mention (1 cautionary)" in html and "(cue: “Avoid”)" in html
    assert "flagged: 2 red-flag claims in 2 categories" in page.visible
    assert app.extensions["claimcheck"].built


def test_the_checker_is_built_once_at_first_use(monkeypatch):
    import claimcheck.checker

    built: list[object] = []
    real = claimcheck.checker.Checker

    class Counting(real):  # type: ignore[misc,valid-type]
        def __init__(self, *args, **kwargs) -> None:
            built.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(claimcheck.checker, "Checker", Counting)
    app = create_app()
    client = app.test_client()
    assert client.get("/").status_code == 200 and built == []  # no spaCy until something is checked
    assert not app.extensions["claimcheck"].built
    for _ in range(2):
        assert client.post("/check", data={"text": CLAIMS}).status_code == 200
    assert len(built) == 1


def test_hostile_text_stays_inert(client):
    response = client.post("/check", data={"text": f"{HOSTILE} {CLAIMS} {HOSTILE}"})
    page = assert_safe_page(response)
    html = response.get_data(as_text=True)
    assert SCRIPT_TAG not in html and IMG not in html and "<svg" not in html
    assert SCRIPT_TAG in page.visible and IMG in page.visible  # shown as text, in the view and the form
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2


def test_get_form_checks_too(client):
    response = client.get(f"/check?text={quote(CLAIMS)}&lang=en")
    assert response.status_code == 200 and '<mark class="cat-risk_free"' in response.get_data(as_text=True)
    assert client.get("/check").status_code == 200  # no input: the empty form


def test_uploaded_text_and_html_files(client):
    html = f"<html><body><nav>Home</nav><article><p>{CLAIMS}</p></article></body></html>".encode()
    hostile_name = f"{IMG}<svg onload=alert(1)>.html"  # a file name has no '/' (nor, here, quotes)
    for name, body in (("claims.txt", CLAIMS.encode()), (hostile_name, html)):
        response = client.post(
            "/check", data={"file": (BytesIO(body), name), "lang": "auto"}, content_type="multipart/form-data"
        )
        assert response.status_code == 200, error_line(response)
        page = assert_safe_page(response)
        shown = response.get_data(as_text=True)
        assert '<mark class="cat-cure_all"' in shown and IMG not in shown and "<svg" not in shown
    checked = shown[shown.index('<div class="checked-text">') :]
    assert "&lt;p&gt;" not in checked[: checked.index("</div>")]  # read as HTML: its text, not its tags
    assert hostile_name in page.visible  # the file name, escaped


def _pdf(pages: list[str]) -> bytes:
    """A minimal PDF with one line of Helvetica text per page (written here, no PDF library needed)."""
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    kids, n = [], 4
    for text in pages:
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
        objs[n] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (n + 1)
        )
        objs[n + 1] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
        kids.append(f"{n} 0 R")
        n += 2
    objs[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>".encode()
    out, offsets = bytearray(b"%PDF-1.4\n"), {}
    for number in sorted(objs):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objs[number])
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % n
    out += b"".join(b"%010d 00000 n \n" % offsets[i] for i in range(1, n))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (n, xref)
    return bytes(out)


def test_uploaded_pdf_goes_through_the_sources(client):
    pytest.importorskip("claimcheck.sources.pdf")  # PDF reading lives in claimcheck.sources
    body = _pdf(["A brochure about our clinic.", "There are no side effects at all."])
    response = client.post(
        "/check", data={"file": (BytesIO(body), "brochure.pdf")}, content_type="multipart/form-data"
    )
    assert response.status_code == 200, error_line(response)
    html = response.get_data(as_text=True)
    assert '<mark class="cat-risk_free"' in html and "brochure.pdf" in html


def test_too_large_inputs_are_refused_with_one_line(client):
    big = b"x" * (MAX_INPUT_BYTES + 1)
    response = client.post(
        "/check", data={"file": (BytesIO(big), "big.txt")}, content_type="multipart/form-data"
    )
    assert response.status_code == 400 and "big.txt: larger than 10 MB" in error_line(response)
    huge = b"x" * (MAX_INPUT_BYTES + 512 * 1024)  # past the request limit: refused before it is parsed
    response = client.post(
        "/check", data={"file": (BytesIO(huge), "huge.txt")}, content_type="multipart/form-data"
    )
    assert response.status_code == 413 and "limited to 10 MB" in error_line(response)
    assert_safe_page(response)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "nothing to check"),
        ({"text": "   "}, "nothing to check"),
        ({"text": CLAIMS, "url": "https://a.example/"}, "one thing to check at a time"),
        ({"url": "ftp://a.example/x"}, "http:// or https://"),
        ({"url": "javascript:alert(1)"}, "http:// or https://"),
        ({"text": CLAIMS, "lang": "xx"}, "choose auto, en or es"),
    ],
)
def test_bad_form_input_is_one_line(client, data, message):
    response = client.post("/check", data=data)
    assert response.status_code == 400 and message in error_line(response)
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.fixture()
def local_site() -> Iterator[str]:
    pages = {
        "/clinic": ("text/html; charset=utf-8", f"<html><body><main><p>{CLAIMS}</p></main></body></html>"),
        "/binary": ("application/octet-stream", "\x00\x01"),
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            kind, body = pages.get(self.path, ("text/plain", "not here"))
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", kind)
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_url_is_fetched_and_checked(client, local_site):
    response = client.post("/check", data={"url": f"{local_site}/clinic"})
    assert response.status_code == 200, error_line(response)
    html = response.get_data(as_text=True)
    assert '<mark class="cat-risk_free"' in html
    assert f'<a href="{local_site}/clinic" rel="noopener noreferrer" target="_blank">' in html
    missing = client.post("/check", data={"url": f"{local_site}/gone"})
    assert missing.status_code == 400 and "HTTP 404" in error_line(missing)
    binary = client.post("/check", data={"url": f"{local_site}/binary"})
    assert binary.status_code == 400 and "not a web page" in error_line(binary)


# ----------------------------------------------------------------------------------------- guards, errors


def test_foreign_hosts_and_sites_are_refused(client):
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 403
    assert client.get("/", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/", headers={"Host": "[::1]:8000"}).status_code == 200
    refused = client.get(f"/check?text={quote(CLAIMS)}", headers={"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403 and "other web sites" in error_line(refused)
    posted = client.post("/check", data={"text": CLAIMS}, headers={"Origin": "https://evil.example"})
    assert posted.status_code == 403
    assert (
        client.post("/check", data={"text": CLAIMS}, headers={"Origin": "http://localhost"}).status_code
        == 200
    )


def test_unknown_pages_and_internal_errors_are_one_line(client, app, monkeypatch):
    missing = client.get("/nope")
    assert missing.status_code == 404 and "no such page" in error_line(missing)
    assert client.put("/check").status_code == 405

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(app.extensions["claimcheck"], "check", broken)
    response = client.post("/check", data={"text": CLAIMS})
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and "internal error (RuntimeError)" in error_line(response)
    assert "Traceback" not in body and "secret internal detail" not in body


def test_cli_refuses_a_bad_port_or_a_busy_one(cli):
    result = cli("serve", "--port", "70000")
    assert result.exit_code == 2 and "--port 70000" in result.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli("serve", "--port", str(port))
    assert result.exit_code == 2 and "cannot listen" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# ----------------------------------------------------------------------------------- the real server


def test_served_page_in_headless_chromium():
    from claimcheck.browser import find_browser, run_headless

    browser = find_browser()
    if browser is None:
        pytest.skip("no Chromium on this machine (apt-get install chromium)")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "claimcheck", "serve", "--port", "0", "--no-model"],  # highlights under test
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = server.stdout.readline() if server.stdout else ""  # the one start-up line
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert found, line
        url = f"{found.group(0)}check?lang=en&text={quote(CLAIMS + ' ' + SCRIPT_TAG)}"
        dom = run_headless(browser, url, "--dump-dom", timeout=120, check=False)
        assert re.search(r'<mark class="cat-risk_free"[^>]*>no side effects</mark>', dom), dom[:2000]
        assert '<mark class="cat-cure_all"' in dom
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom and "<script>alert(1)" not in dom
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            _, err = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            raise
    assert server.returncode == 0 and "server stopped" in err and "Traceback" not in err
