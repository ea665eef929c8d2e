"""Throughput and memory of `claimcheck scan` against the bare spaCy tokenizer, on synthetic pages.

    python benchmarks/speed.py [--docs 4000]

Reports, in one run: the bare spacy.blank("en") tokenizer on the same texts; scan with --jobs 1 and
--jobs 2 (MB/s, docs/s, wall time including start-up); HTML extraction cost per page; peak RSS of the
scan process tree (sampled from /proc), on the full corpus and on half of it (flat memory means the
two peaks are close). Targets: jobs 1 >= 60% of the tokenizer, jobs 2 >= 1.7x jobs 1, RSS < 400 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import spacy
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import html_page, write_jsonl


def tree_rss_kb(pid: int) -> tuple[int, int]:
    """(total, largest) resident set of a process and its descendants, in KB."""
    total = largest = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, StopIteration, ValueError):
            continue
        total += rss
        largest = max(largest, rss)
        stack += [int(c) for c in children]
    return total, largest


def run_scan(path: Path, jobs: int) -> dict[str, float]:
    command = [
        sys.executable,
        "-m",
        "claimcheck",
        "scan",
        str(path),
        "--jobs",
        str(jobs),
        "--no-progress",
        "--format",
        "jsonl",
        "--out",
        os.devnull,
        "--fail-on",
        "never",
    ]
    peak = {"total": 0, "largest": 0}
    started = time.perf_counter()
    process = subprocess.Popen(command)

    def sample() -> None:
        while process.poll() is None:
            total, largest = tree_rss_kb(process.pid)
            peak["total"], peak["largest"] = max(peak["total"], total), max(peak["largest"], largest)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    process.wait()
    sampler.join()
    if process.returncode not in (0, 1):
        raise SystemExit(f"scan failed with exit code {process.returncode}")
    return {
        "seconds": time.perf_counter() - started,
        "rss_total_mb": peak["total"] / 1024,
        "rss_largest_mb": peak["largest"] / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=4000)
    args = parser.parse_args()
    console = Console(width=120)
    with tempfile.TemporaryDirectory() as tmp:
        corpus, half = Path(tmp) / "pages.jsonl", Path(tmp) / "half.jsonl"
        size = write_jsonl(corpus, args.docs)
        half_size = write_jsonl(half, args.docs // 2)
        texts = [json.loads(line)["text"] for line in corpus.open(encoding="utf-8")]
        mb = size / 1e6

        tokenizer = spacy.blank("en").tokenizer
        started = time.perf_counter()
        for _ in tokenizer.pipe(texts, batch_size=64):  # type: ignore[union-attr]
            pass
        tokenizer_s = time.perf_counter() - started

        from claimcheck.sources.html import extract_html

        pages = [html_page(t, f"Page {i}") for i, t in enumerate(texts[:200])]
        started = time.perf_counter()
        for html in pages:
            extract_html(html)
        html_ms = (time.perf_counter() - started) / len(pages) * 1000
        html_kb = sum(len(p) for p in pages) / len(pages) / 1024

        one = run_scan(corpus, 1)
        two = run_scan(corpus, 2)
        one_half = run_scan(half, 1)

    table = Table(title=f"speed on {args.docs} synthetic pages, {mb:.1f} MB of text ({os.cpu_count()} cores)")
    for column in ("measure", "value", "target"):
        table.add_column(column)
    tok = mb / tokenizer_s
    j1, j2 = mb / one["seconds"], mb / two["seconds"]
    table.add_row("bare spacy.blank('en') tokenizer", f"{tok:.2f} MB/s", "")
    table.add_row(
        "scan --jobs 1",
        f"{j1:.2f} MB/s, {args.docs / one['seconds']:.0f} docs/s, {one['seconds']:.1f} s",
        f"{j1 / tok:.0%} of tokenizer (target >= 60%)",
    )
    table.add_row(
        "scan --jobs 2",
        f"{j2:.2f} MB/s, {args.docs / two['seconds']:.0f} docs/s, {two['seconds']:.1f} s",
        f"{j2 / j1:.2f}x jobs 1 (target >= 1.7x)",
    )
    table.add_row("HTML extraction (trafilatura)", f"{html_ms:.1f} ms per {html_kb:.0f} KB page", "")
    table.add_row("peak RSS, jobs 1, full corpus", f"{one['rss_total_mb']:.0f} MB", "< 400 MB")
    table.add_row(
        "peak RSS, jobs 1, half corpus",
        f"{one_half['rss_total_mb']:.0f} MB ({half_size / 1e6:.1f} MB)",
        "flat",
    )
    table.add_row(
        "peak RSS, jobs 2, tree / largest process",
        f"{two['rss_total_mb']:.0f} / {two['rss_largest_mb']:.0f} MB",
        "< 400 MB per process",
    )
    console.print(table)


if __name__ == "__main__":
    main()
