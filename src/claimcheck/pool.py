"""Our own process pool for batches: killable workers, a per-document time budget, no input ever lost.

The process pool is our own, because the time budget is per document while work travels in chunks of 16:
each worker streams one report per document back on its own pipe, so the parent knows which document a
worker is on and since when. A document over budget becomes a `skipped` report, its worker is killed
and replaced, and the unfinished rest of its chunk goes to a fresh worker; what the worker had finished
is kept. A worker that dies (kill -9, OOM killer, a crash in C code) has its current document retried
once on its own and skipped if it kills a worker again. Workers are forked from a parent holding warm
pipelines, so replacing one is cheap, and a worker retires itself once it has grown by RETIRE_AFTER_MB
(web text adds vocabulary strings without bound): a process exit gives memory back, a heap may not.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from claimcheck.batch import (
    CHUNK_BYTES,
    CHUNK_SIZE,
    WINDOW_BYTES_PER_JOB,
    WINDOW_PER_JOB,
    CheckerSpec,
    check_one,
    checker_for,
    skipped,
    too_slow,
)
from claimcheck.errors import ClaimcheckError
from claimcheck.findings import Report
from claimcheck.sources.document import Document

RETIRE_AFTER_MB = 48  # a worker that grew this much since it started is replaced by a fresh fork
MAX_FAILED_STARTS = 3  # workers dying before they are ready: something is wrong with all of them


@dataclass
class _Task:
    seq: int  # place in the input order
    doc: Document
    retried: bool = False  # a worker already died on this document once


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the parent, which stops the pool and says how to resume."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0  # not Linux: workers do not retire, the Checker still recycles its pipelines


def _die_with_parent() -> None:
    """Linux: a worker stuck in a slow page must not outlive a scan that was killed with -9."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # elsewhere an orphan ends at its next message, when the pipe is found closed


def _worker_main(spec: CheckerSpec, conn: Connection) -> None:
    """One worker: receive a chunk, send (seq, report, retiring) per document, until the pipe closes."""
    _ignore_interrupts()
    _die_with_parent()
    checker = checker_for(spec)
    start_mb = _rss_mb()
    try:
        conn.send(None)  # ready: the first document's budget starts now, not before a (spawn) build
        while True:
            chunk: list[tuple[int, Document]] = conn.recv()
            for number, (seq, doc) in enumerate(chunk, start=1):
                report = check_one(checker, doc, spec.lang)
                report.text = ""  # the page text stays in the worker: only findings travel
                retiring = number == len(chunk) and _rss_mb() - start_mb > RETIRE_AFTER_MB
                conn.send((seq, report, retiring))
                if retiring:
                    return
    except (EOFError, OSError):
        return  # the parent is gone or closed the pool


class _Worker:
    def __init__(self, context: Any, spec: CheckerSpec) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(spec, child), daemon=True)
        self.process.start()
        child.close()  # the parent keeps only its end, so the worker's death reads as end of file
        self.queue: deque[_Task] = deque()  # sent and not answered yet, in the order the worker runs them
        self.since = time.monotonic()  # when the worker began its current document
        self.ready = self.gone = False

    def send(self, tasks: list[_Task]) -> None:
        self.queue.extend(tasks)
        self.since = time.monotonic()
        try:
            self.conn.send([(task.seq, task.doc) for task in tasks])
        except OSError:
            self.gone = True  # died while idle: its tasks are handed on like any dead worker's

    def receive(self) -> list[tuple[int, Report]]:
        """Every message waiting on the pipe; marks the worker gone at end of file."""
        out = []
        try:
            while self.conn.poll():
                message = self.conn.recv()
                self.since = time.monotonic()
                if message is None:
                    self.ready = True
                    continue
                seq, report, retiring = message
                self.queue.popleft()
                out.append((seq, report))
                self.gone = self.gone or retiring
        except (EOFError, OSError):
            self.gone = True
        return out

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


class _Pool:
    """Up to `jobs` workers, started when there is a chunk for them; one chunk per worker at a time
    (sending to a busy worker could block both ends on full pipes)."""

    def __init__(self, spec: CheckerSpec, jobs: int, budget: float) -> None:
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        if method == "fork":
            checker_for(spec, warm=True)  # forked workers inherit these compiled pipelines
        self.context = multiprocessing.get_context(method)
        self.spec, self.jobs, self.budget = spec, jobs, budget
        self.workers: list[_Worker] = []
        self.todo: deque[list[_Task]] = deque()  # chunks waiting for a worker; retries go first
        self.failed_starts = 0

    def dispatch(self) -> None:
        for worker in self.workers:
            if self.todo and worker.ready and not worker.queue:
                worker.send(self.todo.popleft())
        starting = sum(not w.ready for w in self.workers)
        while len(self.todo) > starting and len(self.workers) < self.jobs:
            self.workers.append(_Worker(self.context, self.spec))  # no more workers than chunks to do
            starting += 1

    def in_flight(self) -> bool:
        """Whether any chunk is waiting for a worker or being checked by one."""
        return bool(self.todo) or any(w.queue or not w.ready for w in self.workers)

    def wait(self) -> list[tuple[int, Report]]:
        """Block until some worker answers, dies or runs over budget; return the reports that came in."""
        waiting = [w for w in self.workers if w.queue or not w.ready]
        if not waiting:
            raise RuntimeError("batch pool: nothing in flight")  # an invariant, not a user error
        busy = [w.since for w in waiting if w.queue]
        timeout = None
        if self.budget and busy:
            timeout = max(0.0, min(busy) + self.budget - time.monotonic())
        wait([w.conn for w in waiting] + [w.process.sentinel for w in waiting], timeout)
        out: list[tuple[int, Report]] = []
        for worker in waiting:
            out += worker.receive()
            if not worker.gone and not worker.process.is_alive():
                out += worker.receive()  # reports sent just before it died
                worker.gone = True
            if worker.gone:
                out += self._lost(worker)
            elif self.budget and worker.queue and time.monotonic() - worker.since > self.budget:
                out += self._over_budget(worker)
        return out

    def _over_budget(self, worker: _Worker) -> list[tuple[int, Report]]:
        task = worker.queue.popleft()
        self._retire(worker)
        if worker.queue:
            self.todo.appendleft(list(worker.queue))
        return [(task.seq, too_slow(task.doc, self.budget))]

    def _lost(self, worker: _Worker) -> list[tuple[int, Report]]:
        """A worker that ended: retiring, or killed with work in hand (that work is never dropped)."""
        self._retire(worker)
        self.failed_starts = 0 if worker.ready else self.failed_starts + 1
        if self.failed_starts > MAX_FAILED_STARTS:
            code = worker.process.exitcode
            raise ClaimcheckError(f"scan: worker processes die as they start (exit code {code})")
        if not worker.queue:
            return []
        task, rest = worker.queue.popleft(), list(worker.queue)
        if rest:
            self.todo.appendleft(rest)
        if not task.retried:
            task.retried = True
            self.todo.appendleft([task])  # alone: if it kills a worker again, it is the one to blame
            return []
        code = worker.process.exitcode
        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        return [(task.seq, skipped(task.doc, f"worker process died while checking it ({how})"))]

    def _retire(self, worker: _Worker) -> None:
        worker.stop()
        self.workers.remove(worker)

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.workers.clear()


def pool_map(
    spec: CheckerSpec, docs: Iterable[Document | Report], jobs: int, budget: float
) -> Iterator[Report]:
    """One report per document, in input order, from up to `jobs` workers; `budget` seconds each (0: none)."""
    pool = _Pool(spec, jobs, budget)
    items = enumerate(docs)
    done: dict[int, Report] = {}
    sizes: deque[int] = deque()  # bytes of each document read and not yet emitted, in input order
    in_flight = emitted = 0
    window, exhausted = jobs * WINDOW_PER_JOB * CHUNK_SIZE, False
    try:
        while True:
            while not exhausted and len(sizes) < window and in_flight < jobs * WINDOW_BYTES_PER_JOB:
                tasks, size, exhausted = _read_chunk(items, done, sizes)
                in_flight += size
                if tasks:
                    pool.todo.append(tasks)
            pool.dispatch()
            while emitted in done:
                yield done.pop(emitted)
                emitted += 1
                in_flight -= sizes.popleft()
            if exhausted and not sizes:
                return
            if not pool.in_flight():
                continue  # all read so far was already stored (a resumed scan): read on, nothing to wait for
            done.update(pool.wait())
    finally:
        pool.close()


def _read_chunk(
    items: Iterator[tuple[int, Document | Report]], done: dict[int, Report], sizes: deque[int]
) -> tuple[list[_Task], int, bool]:
    """Up to CHUNK_SIZE inputs or CHUNK_BYTES of pages; stored reports go straight to `done`.
    Returns the tasks, their bytes and whether the input is exhausted."""
    tasks: list[_Task] = []
    total = count = 0
    for seq, item in items:
        size = 0 if isinstance(item, Report) else len(item.raw)
        sizes.append(size)
        total, count = total + size, count + 1
        if isinstance(item, Report):
            done[seq] = item
        else:
            tasks.append(_Task(seq, item))
        if count >= CHUNK_SIZE or total >= CHUNK_BYTES:
            return tasks, total, False
    return tasks, total, True
