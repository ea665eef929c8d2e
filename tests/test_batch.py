"""Batch scanning: mixed inputs, the store, resuming after kill -9, parallel results equal serial ones."""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .conftest import ROOT

CLAIM = "Our stem cell capsules have no side effects. Book now: only 3 spots left!"
CLEAN = "We treat knee pain with physiotherapy and exercise."
WARNING = "Avoid clinics that sell stem cell pills; there is no evidence they work."


def write_warc(path: Path, pages: list[str], *, corrupt_tail: bool = False) -> None:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for number, page in enumerate(pages):
        body = f"<html><body><article><p>{page}</p></article></body></html>".encode()
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        record = writer.create_warc_record(
            f"https://clinic{number % 3}.example/page{number}",
            "response",
            payload=io.BytesIO(body),
            http_headers=headers,
        )
        writer.write_record(record)
    image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            "https://clinic0.example/x.png", "response", payload=io.BytesIO(b"\x89PNG"), http_headers=image
        )
    )
    data = buffer.getvalue()
    if corrupt_tail:
        data += gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 9999\r\n\r\ntruncated")[
            :40
        ]
    path.write_bytes(data)


@pytest.fixture()
def mixed_batch(tmp_path: Path) -> list[str]:
    lines = tmp_path / "docs.jsonl.gz"
    rows = [
        {"id": f"j{i}", "text": [CLAIM, CLEAN, WARNING][i % 3], "url": f"https://j{i % 4}.example/"}
        for i in range(12)
    ]
    lines.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode()))
    write_warc(tmp_path / "crawl.warc.gz", [CLAIM, CLEAN, WARNING, CLAIM], corrupt_tail=True)
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.txt").write_text(CLAIM)
    (folder / "b.bin").write_bytes(b"\x00\xff" * 50)
    (folder / "c.txt").write_bytes(b"")
    (folder / "d.txt").write_bytes(
        "Nuestras cápsulas de células madre no tienen efectos secundarios.".encode("latin-1")
    )
    return [str(lines), str(tmp_path / "crawl.warc.gz"), str(folder)]


def many_pages(folder: Path, count: int, texts: list[str]) -> Path:
    """A JSONL batch long enough for a scan to be stopped mid-run."""
    lines = folder / "many.jsonl"
    with lines.open("w") as handle:
        for i in range(count):
            handle.write(
                json.dumps({"id": f"d{i}", "text": f"{texts[i % len(texts)]} Page {i}. " * 8}) + "\n"
            )
    return lines


def scan_command(lines: Path, db: Path, jobs: str, *extra: str) -> list[str]:
    """`claimcheck scan` in its own process (so it can be killed), rules only, into a store."""
    return [sys.executable, "-m", "claimcheck", "scan", "--no-model", str(lines), "--db", str(db),
            "--jobs", jobs, "--no-progress", *extra]  # fmt: skip


def stored_count(db: Path) -> int:
    """Documents in a store being written; 0 while the file exists but its tables do not yet."""
    try:
        with sqlite3.connect(db, timeout=5) as con:
            return int(con.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def reports_of(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_mixed_batch_into_a_store(cli, mixed_batch: list[str], tmp_path: Path) -> None:
    db = tmp_path / "scan.sqlite"
    result = cli("scan", "--no-model", *mixed_batch, "--db", str(db), "--jobs", "1")
    reports = reports_of(result.stdout)
    assert result.exit_code == 1
    assert (
        len(reports) == 12 + 4 + 1 + 4
    )  # JSONL lines, WARC pages (image skipped), corrupt tail, folder files
    skipped = {r["source"].rsplit("/", 1)[-1]: r["error"] for r in reports if r["verdict"] == "skipped"}
    assert any("corrupt WARC" in e for e in skipped.values())
    assert "binary" in skipped["b.bin"] and "empty" in skipped["c.txt"]
    latin = next(r for r in reports if r["source"].endswith("d.txt"))
    assert latin["verdict"] == "flagged" and latin["lang"] == "es"
    warc = [r for r in reports if "#urn:uuid:" in r["source"]]
    assert [r["url"] for r in warc] == [f"https://clinic{i % 3}.example/page{i}" for i in range(4)]
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*), count(DISTINCT doc_key) FROM documents").fetchone() == (21, 21)
        assert (
            con.execute(
                "SELECT count(*) FROM documents WHERE verdict='skipped' AND error IS NULL"
            ).fetchone()[0]
            == 0
        )
    again = cli("scan", "--no-model", *mixed_batch, "--db", str(db), "--jobs", "2")
    assert again.exit_code == 1  # the stored verdicts still count
    assert reports_of(again.stdout) == reports  # re-emitted from the store, in order, nothing re-checked
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 21
        assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 2


def test_parallel_results_equal_serial(cli, mixed_batch: list[str]) -> None:
    serial = reports_of(cli("scan", "--no-model", *mixed_batch, "--jobs", "1").stdout)
    parallel = reports_of(cli("scan", "--no-model", *mixed_batch, "--jobs", "2").stdout)
    assert serial == parallel


def test_csv_output(cli, mixed_batch: list[str], tmp_path: Path) -> None:
    out = tmp_path / "findings.csv"
    assert (
        cli("scan", "--no-model", *mixed_batch, "--format", "csv", "--out", str(out), "--jobs", "1").exit_code
        == 1
    )
    header, *rows = out.read_text(encoding="utf-8").splitlines()
    assert header.startswith("id,url,source,verdict,category,severity,context")
    assert any(",risk_free,high,asserted," in row for row in rows)


def test_report_from_store(cli, mixed_batch: list[str], tmp_path: Path) -> None:
    db = tmp_path / "scan.sqlite"
    cli("scan", "--no-model", *mixed_batch, "--db", str(db), "--jobs", "1")
    by_domain = cli("report", str(db), "--by", "domain")
    assert by_domain.exit_code == 0 and "clinic0.example" in by_domain.stdout
    assert "risk_free" in cli("report", str(db), "--by", "rule").stdout
    stored = reports_of(cli("report", str(db), "--format", "jsonl").stdout)
    assert len(stored) == 21 and all("verdict" in r for r in stored)


def test_glob_filters_folder_files(cli, mixed_batch: list[str]) -> None:
    reports = reports_of(cli("scan", "--no-model", mixed_batch[2], "--glob", "*.txt", "--jobs", "1").stdout)
    assert sorted(r["source"].rsplit("/", 1)[-1] for r in reports) == ["a.txt", "c.txt", "d.txt"]


def test_a_resumed_scan_reads_past_more_stored_documents_than_it_reads_ahead(cli, tmp_path: Path) -> None:
    """Regression: when every document of the read-ahead window was already stored, the pool had nothing in
    flight and a resumed scan crashed ("batch pool: nothing in flight") instead of reading on."""
    rows = [
        json.dumps({"id": f"d{i}", "text": f"{(CLAIM, CLEAN, WARNING)[i % 3]} Page {i}."}) for i in range(400)
    ]
    pages = tmp_path / "pages.jsonl"
    pages.write_text("\n".join(rows[:300]) + "\n")  # far more than --jobs 2 reads ahead (128 documents)
    db = tmp_path / "scan.sqlite"
    common = ["scan", "--no-model", str(pages), "--db", str(db), "--jobs", "2", "--no-progress"]
    assert cli(*common).exit_code in (0, 1)
    pages.write_text("\n".join(rows) + "\n")  # the crawl went on: the same file, 100 pages longer
    result = cli(*common)
    assert result.exit_code in (0, 1), result.output
    assert [r["id"] for r in reports_of(result.stdout)] == [f"d{i}" for i in range(400)]
    assert stored_count(db) == 400


def test_killed_scan_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    count = 2000
    lines = many_pages(tmp_path, count, [CLAIM, CLEAN, WARNING])
    db, out = tmp_path / "scan.sqlite", tmp_path / "out.jsonl"
    command = scan_command(lines, db, "2", "--out", str(out))
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
        if db.exists():
            stored = stored_count(db)  # a reader mid-run: WAL keeps this safe
            if stored > 0:
                break
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert 0 < stored < count, "the scan should have been killed mid-run"
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    with sqlite3.connect(db) as con:
        total, distinct = con.execute("SELECT count(*), count(DISTINCT doc_key) FROM documents").fetchone()
        ids = {row[0] for row in con.execute("SELECT id FROM documents")}
    assert total == distinct == count
    assert ids == {f"d{i}" for i in range(count)}
    emitted = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert emitted == [f"d{i}" for i in range(count)]  # the resumed run's output is complete and in order


def test_dask_local_cluster_gives_the_same_reports(cli, mixed_batch: list[str]) -> None:
    pytest.importorskip("distributed")
    local = reports_of(cli("scan", "--no-model", *mixed_batch, "--jobs", "1").stdout)
    on_dask = cli("scan", "--no-model", *mixed_batch, "--dask", "local")
    assert on_dask.exit_code == 1
    assert reports_of(on_dask.stdout) == local


def test_unreachable_dask_scheduler_is_one_line(cli, mixed_batch: list[str]) -> None:
    pytest.importorskip("distributed")
    result = cli("scan", "--no-model", mixed_batch[2], "--dask", "tcp://127.0.0.1:1")
    assert result.exit_code == 2 and "cannot reach" in result.stderr


HOSTILE = (
    "Our stem cell capsules have no side effects <script>alert(1)</script> "
    "<img src=x onerror=alert(2)> and cure autism, ALS and diabetes."
)


def _hostile_store(cli, tmp_path: Path) -> Path:
    lines = tmp_path / "hostile.jsonl"
    lines.write_text(
        json.dumps({"id": "<b>evil</b>", "text": HOSTILE, "url": "javascript:alert(3)"})
        + "\n"
        + json.dumps({"id": "ok", "text": CLAIM, "url": "https://clinic.example/a"})
        + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "h.sqlite"
    cli("scan", "--no-model", str(lines), "--db", str(db), "--jobs", "1")
    return db


def test_report_html_escapes_scanned_text(cli, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = cli("report", str(_hostile_store(cli, tmp_path)), "--html", str(out))
    assert result.exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "<img src=x" not in page and "<b>evil" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page
    assert "<mark" in page and "clinic.example" in page


def test_report_html_renders_in_headless_chromium(cli, tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "screenshot_report", ROOT / "scripts" / "screenshot_report.py"
    )
    assert spec and spec.loader
    chrome = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(chrome)
    browser = chrome.find_browser()
    if browser is None:
        pytest.skip("no Chromium on this machine (apt-get install chromium)")
    out = tmp_path / "report.html"
    cli("report", str(_hostile_store(cli, tmp_path)), "--html", str(out))
    shot = tmp_path / "report.png"
    chrome.screenshot(out, shot, browser, size="1280,1600")
    assert shot.exists() and shot.stat().st_size > 10_000
    dom = chrome.run_headless(browser, out, "--dump-dom", check=False)
    assert "Pages by risk" in dom and "https://clinic.example/a" in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom  # the payload survives as text in the rendered DOM
    assert "<script>alert(1)" not in dom  # and never as an element


def test_truncated_gzip_and_huge_pages_do_not_stop_a_batch(cli, tmp_path: Path) -> None:
    rows = "".join(json.dumps({"id": f"t{i}", "text": CLAIM}) + "\n" for i in range(50)).encode()
    broken = tmp_path / "cut.jsonl.gz"
    broken.write_bytes(gzip.compress(rows)[:-30])  # the member's tail is missing
    huge = tmp_path / "huge.txt"
    huge.write_text(CLEAN + " " + ("filler words " * 120_000) + CLAIM, encoding="utf-8")
    reports = reports_of(cli("scan", "--no-model", str(broken), str(huge), "--jobs", "1").stdout)
    cut = [r for r in reports if r["source"].startswith(str(broken))]
    assert cut[-1]["verdict"] == "skipped" and "unreadable" in cut[-1]["error"]
    assert all(r["verdict"] == "flagged" for r in cut[:-1])
    big = next(r for r in reports if r["source"] == str(huge))
    assert big["truncated"] is True and big["verdict"] == "clean"  # the claim lies past the cap


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_interrupted_scan_says_how_to_resume(tmp_path: Path, jobs: str) -> None:
    lines = many_pages(tmp_path, 3000, [CLAIM])
    db = tmp_path / "scan.sqlite"
    command = scan_command(lines, db, jobs)
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and process.poll() is None and stored == 0:
        time.sleep(0.2)
        if db.exists():
            stored = stored_count(db)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C does: to the whole process group
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "run the same command again to resume" in err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


def test_corrupt_gzip_and_surrogates_become_skips_or_text(cli, tmp_path: Path) -> None:
    rows = "".join(json.dumps({"id": f"t{i}", "text": CLAIM}) + "\n" for i in range(200)).encode()
    packed = bytearray(gzip.compress(rows))
    for offset in range(60, 70):
        packed[offset] ^= 0xFF  # flipped bits inside the deflate stream
    broken = tmp_path / "flipped.jsonl.gz"
    broken.write_bytes(bytes(packed))
    odd = tmp_path / "odd.jsonl"
    odd.write_text(
        '{"id": null, "text": "Our stem cell pills \\ud800 have no side effects."}\n', encoding="utf-8"
    )
    result = cli("scan", "--no-model", str(broken), str(odd), "--jobs", "1")
    reports = reports_of(result.stdout)
    assert result.exit_code in (0, 1) and "Traceback" not in result.stderr
    assert any(r["verdict"] == "skipped" and "unreadable" in r["error"] for r in reports)
    last = reports[-1]
    assert last["id"] == f"{odd}:1" and last["verdict"] == "flagged"


def test_a_failing_document_is_skipped_not_fatal(monkeypatch) -> None:
    from claimcheck.batch import CheckerSpec, check_in_order
    from claimcheck.checker import Checker
    from claimcheck.sources.document import Document

    original = Checker.check_document

    def explode(self, doc, lang=None):
        if doc.id == "bad":
            raise RuntimeError("boom")
        return original(self, doc, lang)

    monkeypatch.setattr(Checker, "check_document", explode)
    docs = [Document(id=i, source=i, raw=CLAIM.encode()) for i in ("a", "bad", "c")]
    reports = list(check_in_order(CheckerSpec(), docs, jobs=1))
    assert [r.verdict for r in reports] == ["flagged", "skipped", "flagged"]
    assert "internal error (RuntimeError: boom)" in (reports[1].error or "")


def test_foreign_sqlite_files_are_refused_and_left_alone(cli, tmp_path: Path) -> None:
    foreign = tmp_path / "browser.sqlite"
    with sqlite3.connect(foreign) as con:
        con.execute("CREATE TABLE moz_places (id INTEGER)")
    before = foreign.read_bytes()
    for args in (
        ["report", str(foreign)],
        ["scan", "--no-model", str(tmp_path), "--db", str(foreign), "--glob", "*.txt"],
    ):
        result = cli(*args)
        assert result.exit_code == 2 and "not a claimcheck store" in result.stderr
    assert foreign.read_bytes() == before


def test_scan_totals_stay_bounded_over_many_domains_and_reasons(monkeypatch) -> None:
    from claimcheck import summary
    from claimcheck.findings import Finding, Report

    monkeypatch.setattr(summary, "MAX_DOMAINS", 100)
    monkeypatch.setattr(summary, "MAX_REASONS", 5)
    stats = summary.ScanStats()
    claim = Finding(
        rule="r",
        category="risk_free",
        severity="high",
        start=0,
        end=1,
        text="x",
        context="asserted",
        message="m",
    )
    risky = Report(id="r", source="r", url="https://risky.example/", sha256="0", lang="en", findings=[claim])
    stats.add(risky)  # one domain that matters among thousands that do not
    for n in range(5000):
        stats.add(Report(id=f"p{n}", source=f"p{n}", url=f"https://site{n}.example/", sha256="0", lang="en"))
        stats.add(Report(id=f"s{n}", source=f"s{n}", sha256="0", lang="und", error=f"reason {n}"))
    assert len(stats.domain_pages) <= 100 and len(stats.skip_reasons) <= 6
    assert stats.domain_score.most_common(1) == [("risky.example", 3)]
    assert stats.skip_reasons["other reasons"] == 5000 - 5 and stats.skipped == 5000
