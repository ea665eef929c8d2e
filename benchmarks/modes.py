"""The two operating points, measured: the default (rules + model with embeddings) and --fast (no embeddings).

    python benchmarks/modes.py [--docs 600]

Prints, for the rules alone, --fast and the default mode:
- `claimcheck check` wall time (start-up included) on the longest seed page (../shared/seeds, ~18 KB, real text);
- in-process throughput on synthetic clinic pages (benchmarks/synthetic.py): MB/s and docs/s, one process;
- peak RSS of that process.
Accuracy of each mode is not measured here: see the model card (grouped cross-validation on real text).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import documents

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "003_1a1114c2bcd63844.txt"
MODES = {"rules only": ["--no-model"], "--fast": ["--fast"], "default": []}

_THROUGHPUT = """
import json, resource, sys, time
from claimcheck import Checker
mode, path = sys.argv[1], sys.argv[2]
kwargs = {"rules only": {"model": None}, "--fast": {"fast": True}, "default": {}}[mode]
texts = [json.loads(line)["text"] for line in open(path, encoding="utf-8")]
checker = Checker(**kwargs).warm()  # every language's pipeline built before timing: a large batch's steady state
checker.check_text(texts[0])  # and the models loaded
start = time.perf_counter()
for text in texts:
    checker.check_text(text)
seconds = time.perf_counter() - start
size = sum(len(t.encode("utf-8")) for t in texts)
print(json.dumps({"seconds": seconds, "mb": size / 1e6, "docs": len(texts),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def check_wall(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "claimcheck", "check", str(SEED), "--format", "json", *args],
        capture_output=True,
        check=False,
    )
    return time.perf_counter() - start


def throughput(mode: str, corpus: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _THROUGHPUT, mode, str(corpus)], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=600)
    options = parser.parse_args()
    corpus = Path("/tmp/claimcheck-modes.jsonl")
    with corpus.open("w", encoding="utf-8") as handle:
        for doc in documents(options.docs):
            handle.write(json.dumps({"text": doc["text"]}) + "\n")
    table = Table(
        title=f"operating points ({options.docs} synthetic pages; seed page {SEED.stat().st_size} bytes)"
    )
    for column in ("mode", "check seed page (wall s)", "MB/s (1 process)", "docs/s", "peak RSS MB"):
        table.add_column(column, justify="right" if column != "mode" else "left")
    for mode, args in MODES.items():
        wall = min(check_wall(args) for _ in range(2))
        t = throughput(mode, corpus)
        table.add_row(
            mode,
            f"{wall:.2f}",
            f"{t['mb'] / t['seconds']:.2f}",
            f"{t['docs'] / t['seconds']:.0f}",
            f"{t['rss_mb']:.0f}",
        )
    Console().print(table)
    print(
        f"(children's peak RSS overall: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB)"
    )


if __name__ == "__main__":
    main()
