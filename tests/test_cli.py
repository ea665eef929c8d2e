"""The command line: exit codes, formats and one-line errors for bad input."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CLAIM_PAGE = "Our stem cell capsules have no side effects. Book now: only 3 spots left!"
LOW_ONLY = "Book now: only 3 spots left this month."
CLEAN_PAGE = "We treat knee pain with physiotherapy and exercise."


def one_error_line(result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.fixture()
def page(tmp_path: Path):
    def make(text: str | bytes, name: str = "page.txt") -> str:
        path = tmp_path / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return str(path)

    return make


def test_flagged_page_exits_1_and_shows_findings(cli, page) -> None:
    result = cli(
        "check", page(CLAIM_PAGE), "--no-model"
    )  # the rules' verdict; the model: tests/test_model.py
    assert result.exit_code == 1
    assert "FLAGGED" in result.stdout and "risk_free" in result.stdout and "oral_product" in result.stdout


def test_clean_page_exits_0(cli, page) -> None:
    result = cli("check", page(CLEAN_PAGE))
    assert result.exit_code == 0 and "clean" in result.stdout


def test_fail_on_threshold(cli, page) -> None:
    low = page(LOW_ONLY)
    assert cli("check", low).exit_code == 1
    assert cli("check", low, "--fail-on", "medium").exit_code == 0
    assert cli("check", page(CLAIM_PAGE, "b.txt"), "--fail-on", "high").exit_code == 1
    assert cli("check", page(CLAIM_PAGE, "c.txt"), "--fail-on", "never").exit_code == 0


def test_json_format_is_the_contract(cli, page) -> None:
    result = cli("check", page(CLAIM_PAGE), "--format", "json")
    data = json.loads(result.stdout)
    assert data["verdict"] == "flagged" and "risk_free" in data["categories"]


def test_stdin(cli) -> None:
    result = cli("check", "-", "--format", "json", input=CLAIM_PAGE)
    assert json.loads(result.stdout)["source"] == "-"


def test_all_shows_non_asserted_mentions(cli, page) -> None:
    path = page("Avoid clinics that sell stem cell capsules.")
    assert "capsules" not in cli("check", path).stdout.split("summary")[-1].split("\n", 1)[-1]
    assert "cautionary" in cli("check", path, "--all").stdout


def test_scraped_markup_is_printed_literally(cli, page) -> None:
    result = cli("check", page("[bold red]Our stem cell capsules[/] have no side effects."))
    assert "[bold red]Our" in result.stdout


def test_html_file_is_reduced_to_main_text(cli, page) -> None:
    html = (
        "<html><body><nav>Home | Stem cell pills shop</nav><article><h1>Our therapy</h1>"
        "<p>We are a regenerative clinic with many years of experience helping patients.</p>"
        "<ul><li>Stem cell capsules for joints</li><li>No side effects</li></ul>"
        "<p>Contact our coordinators to learn more about the program and its prices.</p></article>"
        "<script>var x = 'no risk';</script></body></html>"
    )
    data = json.loads(cli("check", page(html, "p.html"), "--format", "json").stdout)
    assert "risk_free" in data["categories"]
    assert all("var x" not in f["sentence"] for f in data["findings"])


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda tmp: str(tmp / "missing.txt"), "no such file"),
        (lambda tmp: str(tmp), "is a folder"),
        (lambda tmp: _write(tmp / "img.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)), "binary"),
        (lambda tmp: _write(tmp / "empty.txt", b""), "empty document"),
        (lambda tmp: _write(tmp / "blank.txt", b"  \n\n "), "empty document"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli, tmp_path: Path, setup, expected: str) -> None:
    assert expected in one_error_line(cli("check", setup(tmp_path)))


def test_latin1_file_is_decoded(cli, page) -> None:
    text = "Nuestras cápsulas de células madre no tienen efectos secundarios. Reserve hoy su lugar en la clínica."
    result = cli("check", page(text.encode("latin-1"), "latin.txt"), "--format", "json", "--no-model")
    assert result.exit_code == 1
    assert "cápsulas" in json.loads(result.stdout)["findings"][0]["sentence"]


def test_broken_rules_file_is_one_line(cli, page, tmp_path: Path) -> None:
    bad = _write(tmp_path / "bad.yaml", b"lang: en\nrules:\n  - id: x.y\n    category: [oops\n")
    line = one_error_line(cli("check", page(CLEAN_PAGE), "--rules", bad))
    assert "bad.yaml:" in line and "invalid YAML" in line


def test_bad_option_value_is_exit_2(cli, page) -> None:
    assert cli("check", page(CLEAN_PAGE), "--fail-on", "sometimes").exit_code == 2
    assert "--lang" in one_error_line(cli("check", page(CLEAN_PAGE), "--lang", "fr"))


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/clinic":
            body = f"<html><body><article><p>{CLAIM_PAGE} {CLAIM_PAGE}</p></article></body></html>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_error(404)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_url_is_fetched(cli, server: str) -> None:
    result = cli("check", f"{server}/clinic", "--format", "json")
    data = json.loads(result.stdout)
    assert result.exit_code == 1 and data["url"] == f"{server}/clinic"


def test_dead_url_is_one_line(cli, server: str) -> None:
    assert "HTTP 404" in one_error_line(cli("check", f"{server}/gone"))


def test_refused_connection_is_one_line(cli) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert "could not fetch" in one_error_line(cli("check", f"http://127.0.0.1:{port}/"))


def test_scan_jsonl_in_input_order_with_skips(cli, tmp_path: Path) -> None:
    folder = tmp_path / "site"
    (folder / "sub").mkdir(parents=True)
    _write(folder / "a.txt", CLAIM_PAGE.encode())
    _write(folder / "sub" / "b.html", b"<html><body><p>" + CLEAN_PAGE.encode() + b"</p></body></html>")
    _write(folder / "sub" / "c.bin", b"\x00\x01\x02" * 100)
    lines = tmp_path / "docs.jsonl"
    lines.write_text(
        json.dumps({"id": "j1", "text": CLAIM_PAGE, "url": "https://example.org/1"})
        + "\n"
        + "{not json\n"
        + json.dumps({"id": "j3", "html": f"<p>{CLEAN_PAGE}</p>"})
        + "\n",
        encoding="utf-8",
    )
    result = cli("scan", "--no-model", str(folder), str(lines))
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"].rsplit("/", 1)[-1] for r in reports] == [
        "a.txt",
        "b.html",
        "c.bin",
        "j1",
        "docs.jsonl:2",
        "j3",
    ]
    assert [r["verdict"] for r in reports] == ["flagged", "clean", "skipped", "flagged", "skipped", "clean"]
    assert "binary" in reports[2]["error"] and "invalid JSON" in reports[4]["error"]
    assert reports[3]["url"] == "https://example.org/1"
    assert result.exit_code == 1


def test_scan_missing_input_is_usage_error(cli, tmp_path: Path) -> None:
    assert "no such file" in one_error_line(cli("scan", "--no-model", str(tmp_path / "nope")))


def test_rules_commands(cli) -> None:
    listing = cli("rules", "list")
    assert listing.exit_code == 0 and "cure_all.en.cures_disease" in listing.stdout
    shown = cli("rules", "show", "cure_all.en.cures_disease")
    assert shown.exit_code == 0 and "reference:" in shown.stdout
    assert "no rule or cue" in one_error_line(cli("rules", "show", "nope.nope"))


def test_rules_test_fails_on_a_failing_example(cli, tmp_path: Path) -> None:
    pack = tmp_path / "p.yaml"
    pack.write_text(
        "lang: en\nrules:\n  - id: cure_all.test.bad\n    category: cure_all\n    severity: low\n"
        "    message: m\n    reference: https://www.fda.gov/\n    phrases: [zebra juice]\n"
        "    examples:\n      flag: [zebra juice, nothing here]\n      ok: [fine]\n",
        encoding="utf-8",
    )
    result = cli("rules", "test", "--rules", str(pack), "--only", "cure_all.test")
    assert result.exit_code == 1 and "FAIL" in result.stdout and "1 failed" in result.stdout


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def test_terminal_never_passes_control_sequences_from_pages(cli, page) -> None:
    padding = "Our clinic welcomes families from the whole region. " * 10
    text = (
        padding
        + "Our stem cell pills \x1b]8;;https://evil.example\x1b\\CLICK\x1b]8;;\x1b\\ have no side effects \x1b[2J."
    )
    result = cli("check", page(text))
    assert result.exit_code == 1
    assert "\x1b" not in result.stdout and "CLICK" in result.stdout


def test_error_messages_are_not_markup(cli, tmp_path) -> None:
    line = one_error_line(cli("check", str(tmp_path / "[/x][bold]oops.txt")))
    assert "[/x][bold]oops.txt: no such file" in line
