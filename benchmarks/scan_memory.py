"""Peak memory of `claimcheck scan` as the input grows: flat memory means the 50 MB and 200 MB peaks agree.

    python benchmarks/scan_memory.py [--sizes 50,200] [--jobs 1,2] [--db both|yes|no] [--keep DIR]
                                     [--doc-timeout 0]

For each input size it writes a JSONL file of synthetic clinic pages (`benchmarks/synthetic.py`), then runs
`scan` with every --jobs / --db combination and prints documents, MB/s and peak memory:

  parent     the scan process's own ru_maxrss
  child      the largest worker's ru_maxrss (RUSAGE_CHILDREN: the largest waited-for descendant)
  tree RSS   the largest simultaneous sum of RSS over the process tree (sampled every 0.1 s from /proc);
             forked workers share pages with the parent, so this counts those pages twice
  tree PSS   the same sum of proportional set sizes: shared pages split between the processes sharing them

Goal: every figure within 10% from 50 MB to 200 MB of input.
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

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import documents

# Runs the CLI in-process so that getrusage sees the scan itself (parent) and its workers (children).
_WRAPPER = """
import json, resource, sys
out = sys.argv.pop(1)
try:
    from claimcheck.__main__ import run
    run()
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else 0
else:
    code = 0
finally:
    usage = {
        "parent_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "child_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    }
    with open(out, "w") as handle:
        json.dump(usage, handle)
sys.exit(code)
"""


def write_corpus(path: Path, megabytes: int) -> tuple[int, int]:
    """Synthetic pages until `megabytes` of JSONL are written; returns (documents, bytes of page text)."""
    target, written, text_bytes, count = megabytes * 1_000_000, 0, 0, 0
    with path.open("w", encoding="utf-8") as handle:
        for doc in documents(10**9):
            line = json.dumps(doc, ensure_ascii=False) + "\n"
            handle.write(line)
            written += len(line.encode())
            text_bytes += len(doc["text"].encode())
            count += 1
            if written >= target:
                break
    return count, text_bytes


def _kb(field: str, path: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def tree_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) summed over a process and its descendants, in KB."""
    rss = pss = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        rss += _kb("VmRSS:", f"/proc/{current}/status")
        pss += _kb("Pss:", f"/proc/{current}/smaps_rollup")
        try:
            stack += [int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except (OSError, ValueError):
            continue
    return rss, pss


def run_scan(
    corpus: Path, jobs: int, db: Path | None, usage_file: Path, doc_timeout: str | None = None
) -> dict[str, float]:
    command = [sys.executable, "-c", _WRAPPER, str(usage_file), "scan", str(corpus), "--jobs", str(jobs)]
    if doc_timeout is not None:
        command += ["--doc-timeout", doc_timeout]
    command += ["--no-progress", "--format", "jsonl", "--out", os.devnull, "--fail-on", "never"]
    if db is not None:
        command += ["--db", str(db)]
    peak = {"rss": 0, "pss": 0}
    started = time.perf_counter()
    process = subprocess.Popen(command)

    def sample() -> None:
        while process.poll() is None:
            rss, pss = tree_kb(process.pid)
            peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    process.wait()
    sampler.join()
    seconds = time.perf_counter() - started
    if process.returncode not in (0, 1):
        raise SystemExit(f"scan failed with exit code {process.returncode}")
    usage = json.loads(usage_file.read_text())
    return {
        "seconds": seconds,
        "parent_mb": usage["parent_kb"] / 1024,
        "child_mb": usage["child_kb"] / 1024,
        "tree_rss_mb": peak["rss"] / 1024,
        "tree_pss_mb": peak["pss"] / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="50,200", help="input sizes in MB of JSONL")
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--db", choices=["both", "yes", "no"], default="both")
    parser.add_argument("--doc-timeout", help="passed to scan (0: in-process with --jobs 1, no budget)")
    parser.add_argument(
        "--keep", type=Path, help="keep the generated inputs in this folder (reused if present)"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    jobs_list = [int(j) for j in args.jobs.split(",")]
    with_db = {"both": [False, True], "yes": [True], "no": [False]}[args.db]
    table = Table(title=f"scan peak memory ({os.cpu_count()} cores)")
    for column in ("input", "docs", "jobs", "--db", "MB/s", "parent", "child", "tree RSS", "tree PSS"):
        table.add_column(column, justify="right")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            corpus = folder / f"pages-{size}mb.jsonl"
            meta = folder / f"pages-{size}mb.json"
            if corpus.exists() and meta.exists():
                docs, text_bytes = json.loads(meta.read_text())
            else:
                docs, text_bytes = write_corpus(corpus, size)
                meta.write_text(json.dumps([docs, text_bytes]))
            for jobs in jobs_list:
                for use_db in with_db:
                    db = Path(tmp) / f"scan-{size}-{jobs}.sqlite" if use_db else None
                    result = run_scan(corpus, jobs, db, Path(tmp) / "usage.json", args.doc_timeout)
                    if db is not None:
                        db.unlink(missing_ok=True)
                    table.add_row(
                        f"{size} MB",
                        str(docs),
                        str(jobs),
                        "yes" if use_db else "no",
                        f"{text_bytes / 1e6 / result['seconds']:.2f}",
                        f"{result['parent_mb']:.0f} MB",
                        f"{result['child_mb']:.0f} MB",
                        f"{result['tree_rss_mb']:.0f} MB",
                        f"{result['tree_pss_mb']:.0f} MB",
                    )
                    print(
                        f"{size} MB jobs={jobs} db={use_db}: {json.dumps(result)}",
                        file=sys.stderr,
                        flush=True,
                    )
    Console(width=120).print(table)


if __name__ == "__main__":
    main()
