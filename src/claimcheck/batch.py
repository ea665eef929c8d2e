"""Batch checking: documents in, reports out, in input order, on worker processes or a Dask cluster.

Workers return small Report objects (findings only, no page text): shipping whole spaCy Docs between
processes is what makes nlp.pipe(n_process=...) slow. Input is read through a bounded window, so memory
does not grow with the number of documents.

This module is what every route shares: the picklable CheckerSpec a worker builds its Checker from, one
document checked without raising, skipped reports, --jobs, the read-ahead bounds, and the Dask route.
Our own killable process pool, with the per-document time budget, is `claimcheck.pool`.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from claimcheck.checker import Checker
from claimcheck.errors import ClaimcheckError
from claimcheck.findings import Report
from claimcheck.sources.document import Document

CHUNK_SIZE = 16  # documents per task: large enough to amortise IPC, small enough to keep order cheap
WINDOW_PER_JOB = 4  # chunks read ahead per worker
CHUNK_BYTES = 4 * 2**20  # a chunk of big pages is cut short: no message carries hundreds of MB
WINDOW_BYTES_PER_JOB = 32 * 2**20  # nor does read-ahead hold them
DEFAULT_DOC_TIMEOUT = 30.0  # seconds one document may take; a typical page takes milliseconds
JOBS_PER_CORE, MAX_JOBS = 4, 256  # more workers than this only thrash: refused as a usage error


@dataclass(frozen=True)
class CheckerSpec:
    """What a worker needs to build its own Checker (picklable; a Checker is not)."""

    rules: tuple[str, ...] = ()
    lang: str | None = None
    max_chars: int | None = None
    model: str | None = "shipped"  # a model folder, "shipped", or None for the rules alone
    fast: bool = False
    min_confidence: float = 0.0

    def build(self) -> Checker:
        kwargs: dict[str, Any] = {"max_chars": self.max_chars} if self.max_chars else {}
        return Checker(
            list(self.rules), model=self.model, fast=self.fast, min_confidence=self.min_confidence, **kwargs
        )


_WORKER: tuple[CheckerSpec, Checker] | None = None


def checker_for(spec: CheckerSpec, *, warm: bool = False) -> Checker:
    """The process's Checker for `spec`, built once (forked workers inherit the parent's)."""
    global _WORKER
    if _WORKER is None or _WORKER[0] != spec:
        checker = spec.build()
        _WORKER = (spec, checker.warm() if warm else checker)
    return _WORKER[1]


def check_chunk(spec: CheckerSpec, items: list[Document | Report]) -> list[Report]:
    """Runs in a Dask worker: the Checker is built once per process and reused.

    Reports in `items` were found in the store and pass through untouched, keeping their place in order.
    """
    checker = checker_for(spec)
    reports = []
    for item in items:
        if isinstance(item, Report):
            reports.append(item)
            continue
        report = check_one(checker, item, spec.lang)
        report.text = ""  # the page text stays in the worker: only findings travel
        reports.append(report)
    return reports


def check_one(checker: Checker, doc: Document, lang: str | None) -> Report:
    """A bug met on one page must not end a batch of millions: that page is skipped with the reason."""
    try:
        return checker.check_document(doc, lang=lang)
    except Exception as exc:
        return skipped(doc, f"internal error ({type(exc).__name__}: {exc})")


def skipped(doc: Document, reason: str) -> Report:
    """A skipped report keyed like any other, so a resumed run re-emits it instead of trying again."""
    return Report(id=doc.id, source=doc.source, sha256=doc.sha256, lang="und", url=doc.url, error=reason)


def too_slow(doc: Document, seconds: float) -> Report:
    return skipped(doc, f"took longer than {seconds:g} s")


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def max_jobs() -> int:
    return min(MAX_JOBS, JOBS_PER_CORE * (os.cpu_count() or 1))


def resolve_jobs(jobs: int) -> int:
    """--jobs as given (0: all cores), refused when it could only thrash the machine."""
    if jobs < 0:
        raise ClaimcheckError("--jobs must be 0 (all cores) or more")
    if jobs > max_jobs():
        raise ClaimcheckError(f"--jobs {jobs}: at most {max_jobs()} on this machine ({os.cpu_count()} cores)")
    return jobs or default_jobs()


def check_in_order(
    spec: CheckerSpec,
    docs: Iterable[Document | Report],
    *,
    jobs: int = 1,
    dask: str | None = None,
    doc_timeout: float = DEFAULT_DOC_TIMEOUT,
) -> Iterator[Report]:
    """Yield one report per document, in input order (Reports among the inputs pass straight through).

    `doc_timeout` seconds per document (0: no budget). With a budget, even jobs=1 checks in a worker
    process: only a process can be stopped in the middle of spaCy's C code.
    """
    if dask:
        yield from _dask_map(spec, docs, dask, doc_timeout)
    elif jobs <= 1 and not doc_timeout:
        checker = checker_for(spec)
        for item in docs:
            yield item if isinstance(item, Report) else check_one(checker, item, spec.lang)
    else:
        from claimcheck.pool import pool_map  # imported here: the pool builds on this module

        yield from pool_map(spec, docs, max(1, jobs), doc_timeout)


# -- Dask ----------------------------------------------------------------------------------------------


def _dask_map(
    spec: CheckerSpec, docs: Iterable[Document | Report], address: str, budget: float
) -> Iterator[Report]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClaimcheckError("--dask needs the optional extra: pip install 'claimcheck[dask]'") from None
    cluster = (
        LocalCluster(n_workers=default_jobs(), threads_per_worker=1, processes=True)
        if address == "local"
        else None
    )
    try:
        with Client(cluster if cluster is not None else address, timeout="10s") as client:
            workers = max(1, len(client.scheduler_info().get("workers", {})))
            pending: deque[tuple[list[Document | Report], Any]] = deque()
            items = iter(docs)
            for chunk in iter(lambda: list(islice(items, CHUNK_SIZE)), []):
                pending.append((chunk, client.submit(check_chunk, spec, chunk, pure=False)))
                if len(pending) >= workers * WINDOW_PER_JOB:
                    yield from _dask_result(client, spec, *pending.popleft(), budget)
            while pending:
                yield from _dask_result(client, spec, *pending.popleft(), budget)
    except (OSError, TimeoutError) as exc:
        raise ClaimcheckError(f"--dask {address}: cannot reach the cluster ({exc})") from None
    finally:
        if cluster is not None:
            cluster.close()


def _dask_result(
    client: Any, spec: CheckerSpec, chunk: list[Document | Report], future: Any, budget: float
) -> list[Report]:
    """Dask cannot stop a running task, so the budget is per task (budget x documents), counted from
    when the chunk is the oldest one awaited; over it, the worker running it is restarted (when it has
    a nanny) and the chunk's documents are tried one task each, each with the per-document budget."""
    checked = sum(not isinstance(item, Report) for item in chunk)
    if not budget or not checked:
        return list(future.result())
    try:
        return list(future.result(timeout=budget * checked))
    except TimeoutError:
        _restart_worker_of(client, future)
    reports = []
    for item in chunk:
        if isinstance(item, Report):
            reports.append(item)
            continue
        single = client.submit(check_chunk, spec, [item], pure=False)
        try:
            reports += single.result(timeout=budget)
        except TimeoutError:
            _restart_worker_of(client, single)
            reports.append(too_slow(item, budget))
    return reports


def _restart_worker_of(client: Any, future: Any) -> None:
    """Free the worker a stuck task holds; without a nanny it cannot restart and stays busy."""
    try:
        holders = [w for w, keys in client.processing().items() if future.key in keys]
        future.cancel()
        if holders:
            client.restart_workers(holders, timeout=30, raise_for_error=False)
    except Exception:  # restarting is best effort; the run goes on either way
        pass
