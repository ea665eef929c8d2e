"""The per-document time budget and worker deaths in batches: one report per document, always, in order.

Slowness and crashes are injected by patching Checker.check_document in this process: pool workers are
forked from it and inherit the patch (no test hook in the product code, no pathological input needed).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from claimcheck.batch import CheckerSpec, check_in_order
from claimcheck.checker import Checker
from claimcheck.findings import Report
from claimcheck.sources.document import Document

CLAIM = "Our stem cell capsules have no side effects. Book now: only 3 spots left!"
CLEAN = "We treat knee pain with physiotherapy and exercise."
COUNT, SLOW = 40, 21  # the slow document sits mid-chunk: the second chunk holds documents 16..31

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the patch reaches workers only through fork")


def _patch(monkeypatch, action) -> None:
    original = Checker.check_document

    def patched(self, doc, lang=None):
        action(doc)
        return original(self, doc, lang)

    monkeypatch.setattr(Checker, "check_document", patched)


def _sleep_if_slow(doc: Document) -> None:
    if doc.id == f"d{SLOW}":
        time.sleep(120)  # far past the budget: only a kill ends it


def _refuse_all(doc: Document) -> None:
    raise AssertionError(f"{doc.id} was checked again")


@pytest.fixture()
def pages(tmp_path: Path) -> Path:
    path = tmp_path / "pages.jsonl"
    rows = [{"id": f"d{i}", "text": [CLAIM, CLEAN][i % 2] + f" Page {i}."} for i in range(COUNT)]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _reports(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_slow_document_is_skipped_and_the_run_goes_on(cli, monkeypatch, pages, tmp_path, jobs) -> None:
    _patch(monkeypatch, _sleep_if_slow)
    db = tmp_path / "scan.sqlite"
    started = time.monotonic()
    result = cli("scan", "--no-model", str(pages), "--jobs", jobs, "--doc-timeout", "1", "--db", str(db))
    assert time.monotonic() - started < 60, "the slow document's worker should have been killed"
    reports = _reports(result.stdout)
    assert result.exit_code == 1, result.stderr  # the flagged pages still count
    assert [r["id"] for r in reports] == [f"d{i}" for i in range(COUNT)]
    skipped = [r for r in reports if r["verdict"] == "skipped"]
    assert [r["id"] for r in skipped] == [f"d{SLOW}"]
    assert skipped[0]["error"] == "took longer than 1 s"
    assert Report.from_dict(skipped[0]).skip_reason == "took longer than 1 s"
    assert all(
        r["verdict"] == ("flagged" if i % 2 == 0 else "clean") for i, r in enumerate(reports) if i != SLOW
    )
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*), count(DISTINCT doc_key) FROM documents").fetchone() == (
            COUNT,
            COUNT,
        )
        assert con.execute("SELECT error FROM documents WHERE verdict='skipped'").fetchall() == [
            ("took longer than 1 s",)
        ]

    _patch(monkeypatch, _refuse_all)  # a resumed run takes every report from the store, the slow one too
    again = cli("scan", "--no-model", str(pages), "--jobs", jobs, "--doc-timeout", "1", "--db", str(db))
    assert again.exit_code == 1 and _reports(again.stdout) == reports
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == COUNT


def _docs(count: int = COUNT) -> list[Document]:
    return [Document(id=f"d{i}", source=f"s{i}", raw=f"{CLAIM} Page {i}.".encode()) for i in range(count)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_worker_killed_mid_chunk_loses_nothing(monkeypatch, tmp_path, jobs) -> None:
    marker = tmp_path / "killed-once"

    def kill_once(doc: Document) -> None:
        if doc.id == "d5" and not marker.exists():
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)  # kill -9 of the worker, five documents into its chunk

    _patch(monkeypatch, kill_once)
    reports = list(check_in_order(CheckerSpec(), _docs(), jobs=jobs, doc_timeout=30))
    assert marker.exists()
    assert [r.id for r in reports] == [f"d{i}" for i in range(COUNT)]
    assert all(r.verdict == "flagged" for r in reports)  # the interrupted document was tried again


def test_a_document_that_kills_every_worker_is_skipped_with_the_reason(monkeypatch) -> None:
    def always_kill(doc: Document) -> None:
        if doc.id == "d3":
            os.kill(os.getpid(), signal.SIGKILL)

    _patch(monkeypatch, always_kill)
    reports = list(check_in_order(CheckerSpec(), _docs(20), jobs=2, doc_timeout=30))
    assert [r.id for r in reports] == [f"d{i}" for i in range(20)]
    assert [r.id for r in reports if r.verdict == "skipped"] == ["d3"]
    assert reports[3].error == "worker process died while checking it (signal 9)"


def test_documents_finished_before_the_slow_one_are_kept(monkeypatch, tmp_path) -> None:
    log = tmp_path / "checked.log"

    def record(doc: Document) -> None:
        with log.open("a") as handle:
            handle.write(doc.id + "\n")
        _sleep_if_slow(doc)

    _patch(monkeypatch, record)
    reports = list(check_in_order(CheckerSpec(), _docs(), jobs=1, doc_timeout=1))
    assert [r.id for r in reports if r.verdict == "skipped"] == [f"d{SLOW}"]
    checked = log.read_text().split()
    assert sorted(checked) == sorted(f"d{i}" for i in range(COUNT))  # each checked once, none twice


def test_too_many_jobs_is_one_line(cli, pages) -> None:
    result = cli("scan", "--no-model", str(pages), "--jobs", "100000")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "--jobs 100000: at most" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("value", ["-1", "nan", "inf"])
def test_a_bad_doc_timeout_is_one_line(cli, pages, value) -> None:
    result = cli("scan", "--no-model", str(pages), "--doc-timeout", value)
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1


def test_cli_default_budget_is_the_batch_default() -> None:
    from claimcheck.batch import DEFAULT_DOC_TIMEOUT
    from claimcheck.cli.scan import DOC_TIMEOUT

    assert DOC_TIMEOUT == DEFAULT_DOC_TIMEOUT


class _FakeFuture:
    def __init__(self, chunk: list) -> None:
        self.chunk, self.key, self.cancelled = chunk, f"chunk-{id(chunk)}", False

    def result(self, timeout=None):
        if any(getattr(item, "id", "") == f"d{SLOW}" for item in self.chunk):
            raise TimeoutError  # what distributed raises when a wait runs past its timeout
        return [item if isinstance(item, Report) else Report.from_dict(_stub(item)) for item in self.chunk]

    def cancel(self) -> None:
        self.cancelled = True


def _stub(doc: Document) -> dict:
    return {"id": doc.id, "source": doc.source, "sha256": doc.sha256, "lang": "en"}


class _FakeClient:
    """Just what the budget logic asks of a distributed.Client."""

    def __init__(self) -> None:
        self.restarted: list[list[str]] = []
        self.futures: list[_FakeFuture] = []

    def submit(self, fn, spec, chunk, pure=False) -> _FakeFuture:
        self.futures.append(_FakeFuture(chunk))
        return self.futures[-1]

    def processing(self) -> dict[str, list[str]]:
        return {"tcp://w1": [f.key for f in self.futures if not f.cancelled]}

    def restart_workers(self, workers, timeout=None, raise_for_error=True) -> None:
        self.restarted.append(list(workers))


def test_dask_budget_is_per_task_then_per_document() -> None:
    from claimcheck.batch import _dask_result

    client = _FakeClient()
    chunk: list = _docs(32)[16:]
    chunk[0] = Report(id="stored", source="stored", sha256="0", lang="en")  # passes through in place
    reports = _dask_result(client, CheckerSpec(), chunk, client.submit(None, None, chunk), 1.0)
    assert [r.id for r in reports] == ["stored"] + [f"d{i}" for i in range(17, 32)]
    assert [r.id for r in reports if r.verdict == "skipped"] == [f"d{SLOW}"]
    assert reports[SLOW - 16].error == "took longer than 1 s"
    assert len(client.restarted) == 2  # the worker stuck on the chunk, then the one stuck on the document


def test_read_ahead_is_bounded_in_bytes_too() -> None:
    from claimcheck import batch

    read = []

    def big_pages():
        for i in range(200):
            read.append(i)  # 1 MB each, failing fast so the test measures reading, not checking
            yield Document(id=f"b{i}", source=f"b{i}", raw=b"x" * 2**20, error="unreadable")

    reports = check_in_order(CheckerSpec(), big_pages(), jobs=1, doc_timeout=30)
    first = next(reports)
    assert first.id == "b0" and first.verdict == "skipped"
    chunk_docs = batch.CHUNK_BYTES // 2**20
    assert len(read) <= batch.WINDOW_BYTES_PER_JOB // 2**20 + chunk_docs  # not 4 chunks of 16 pages
    assert [r.id for r in reports] == [f"b{i}" for i in range(1, 200)]
