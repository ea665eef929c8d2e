"""Rules-only and --fast throughput in process CPU time, and pipeline build time per language.

    python benchmarks/cpu_profile.py [--docs 200] [--repeat 3] [--profile rules|fast]

On a shared machine wall times swing with the neighbours' load; the best of a few runs of process CPU time
(time.process_time) is steadier, so compare before/after with this, in the same conditions. --profile
prints a cProfile of one pass over the synthetic pages (benchmarks/synthetic.py) in that mode instead.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import documents

MODES = {"rules": {"model": None}, "fast": {"fast": True}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", choices=sorted(MODES))
    options = parser.parse_args()
    from claimcheck import Checker
    from claimcheck.rules import load_rules

    ruleset = load_rules()
    for lang in ruleset.langs:
        start = time.process_time()
        Checker(ruleset=ruleset, model=None).pipeline(lang)
        print(f"build {lang} pipeline: {time.process_time() - start:.2f} s CPU")
    texts = [doc["text"] for doc in documents(options.docs)]
    size = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    for mode, kwargs in MODES.items():
        if options.profile and mode != options.profile:
            continue
        checker = Checker(ruleset=ruleset, **kwargs).warm()  # type: ignore[arg-type]
        if options.profile:
            profile = cProfile.Profile()
            profile.enable()
            for text in texts:
                checker.check_text(text)
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
            continue
        best = float("inf")
        for _ in range(options.repeat):
            start = time.process_time()
            for text in texts:
                checker.check_text(text)
            best = min(best, time.process_time() - start)
        print(
            f"{mode}: {size / best:.2f} MB/s CPU ({options.docs} pages, {size:.2f} MB, best of {options.repeat})"
        )


if __name__ == "__main__":
    main()
