"""Batch checking: documents in, reports out, in input order, on 1..N processes or a Dask cluster.

Workers return small Report objects (findings only, no page text): shipping whole spaCy Docs between
processes is what makes nlp.pipe(n_process=...) slow. Work is submitted in chunks through a bounded
window, so memory does not grow with the number of documents, and each worker's Checker rebuilds its
pipelines when the vocabulary has grown (web text adds strings without bound).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from claimcheck.checker import Checker
from claimcheck.findings import Report
from claimcheck.sources.document import Document

CHUNK_SIZE = 16  # documents per task: large enough to amortise IPC, small enough to keep order cheap
WINDOW_PER_JOB = 4  # tasks in flight per worker


@dataclass(frozen=True)
class CheckerSpec:
    """What a worker needs to build its own Checker (picklable; a Checker is not)."""

    rules: tuple[str, ...] = ()
    lang: str | None = None
    max_chars: int | None = None

    def build(self) -> Checker:
        kwargs: dict[str, Any] = {"max_chars": self.max_chars} if self.max_chars else {}
        return Checker(list(self.rules), **kwargs)


_WORKER: tuple[CheckerSpec, Checker] | None = None


def check_chunk(spec: CheckerSpec, items: list[Document | Report]) -> list[Report]:
    """Runs in a worker (process pool or Dask): the Checker is built once per process and reused.

    Reports in `items` were found in the store and pass through untouched, keeping their place in order.
    """
    global _WORKER
    if _WORKER is None or _WORKER[0] != spec:
        _WORKER = (spec, spec.build())
    checker = _WORKER[1]
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
        return Report(
            id=doc.id,
            source=doc.source,
            sha256=doc.sha256,
            lang="und",
            url=doc.url,
            error=f"internal error ({type(exc).__name__}: {exc})",
        )


def _chunks(docs: Iterable[Document | Report], size: int) -> Iterator[list[Document | Report]]:
    chunk: list[Document | Report] = []
    for doc in docs:
        chunk.append(doc)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def check_in_order(
    spec: CheckerSpec, docs: Iterable[Document | Report], *, jobs: int = 1, dask: str | None = None
) -> Iterator[Report]:
    """Yield one report per document, in input order (Reports among the inputs pass straight through)."""
    if dask:
        yield from _dask_map(spec, docs, dask)
    elif jobs <= 1:
        checker = spec.build()
        for item in docs:
            yield item if isinstance(item, Report) else check_one(checker, item, spec.lang)
    else:
        yield from _pool_map(spec, docs, jobs)


def _ordered_window(
    submit: Callable[[list[Document | Report]], Any],
    get: Callable[[Any], list[Report]],
    docs: Iterable[Document | Report],
    window: int,
) -> Iterator[Report]:
    pending: deque[Any] = deque()
    for chunk in _chunks(docs, CHUNK_SIZE):
        pending.append(submit(chunk))
        if len(pending) >= window:
            yield from get(pending.popleft())
    while pending:
        yield from get(pending.popleft())


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the parent, which stops the pool and says how to resume."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _pool_map(spec: CheckerSpec, docs: Iterable[Document | Report], jobs: int) -> Iterator[Report]:
    global _WORKER
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if method == "fork" and (_WORKER is None or _WORKER[0] != spec):
        # Forked workers inherit these compiled pipelines and lemma tables instead of building their own.
        _WORKER = (spec, spec.build().warm())
    pool = multiprocessing.get_context(method).Pool(processes=jobs, initializer=_ignore_interrupts)
    try:
        yield from _ordered_window(
            lambda chunk: pool.apply_async(check_chunk, (spec, chunk)),
            lambda result: result.get(),
            docs,
            jobs * WINDOW_PER_JOB,
        )
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _dask_map(spec: CheckerSpec, docs: Iterable[Document | Report], address: str) -> Iterator[Report]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        from claimcheck.errors import ClaimcheckError

        raise ClaimcheckError("--dask needs the optional extra: pip install 'claimcheck[dask]'") from None
    cluster = (
        LocalCluster(n_workers=default_jobs(), threads_per_worker=1, processes=True)
        if address == "local"
        else None
    )
    try:
        with Client(cluster if cluster is not None else address, timeout="10s") as client:
            workers = max(1, len(client.scheduler_info().get("workers", {})))
            yield from _ordered_window(
                lambda chunk: client.submit(check_chunk, spec, chunk, pure=False),
                lambda future: future.result(),
                docs,
                workers * WINDOW_PER_JOB,
            )
    except (OSError, TimeoutError) as exc:
        from claimcheck.errors import ClaimcheckError

        raise ClaimcheckError(f"--dask {address}: cannot reach the cluster ({exc})") from None
    finally:
        if cluster is not None:
            cluster.close()
