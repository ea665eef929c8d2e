"""Hostile inputs (issue 8 and the other reproducers): wall time and peak memory of one `claimcheck check` each.

    python benchmarks/robustness.py [--only NAME[,NAME...]] [--timeout 300]

Each case is written to a temporary file and checked by a fresh `python -m claimcheck check` process; its
peak RSS comes from os.wait4 (the rusage of that child alone). The first row is a one-line page, the cost
of starting up (the faster of two runs); the "work" column is the wall time over it. Goals: every case within 10 s and 600 MB
(`check` of a 1 MB claim-dense paragraph and of a 30 MB page included), none killed, none with a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

CLAIM = " stem cells cure autism with no side effects."
GOAL_SECONDS, GOAL_MB = 10.0, 600.0
REGEX_PACK = """\
pack: hostile
lang: en
rules:
  - id: cure_all.hostile.regex
    category: cure_all
    severity: high
    message: "Catastrophic backtracking."
    reference: https://www.fda.gov/
    patterns:
      - [{NORM: {REGEX: "^(a+)+$"}}]
    examples:
      flag: ["aaaa", "aaaaaa"]
      ok: ["b"]
"""


@dataclass
class Case:
    name: str
    suffix: str
    make: Callable[[], bytes]
    args: tuple[str, ...] = ()
    expect: tuple[int, ...] = (0, 1)  # exit codes that mean "checked" (2 for a refused rules pack)


def _page(body: str) -> bytes:
    return f"<html><head><title>Clinic</title></head><body>{body}</body></html>".encode()


def _big_page(size: int) -> bytes:
    paragraph = "Our clinic in Tijuana offers stem cell infusions. Stem cells cure autism and arthritis.\n\n"
    return (paragraph * (size // len(paragraph) + 1)).encode()[:size]


def _utf16_page() -> bytes:
    text = "<html><body>" + "<p>Nuestras células madre curan la diabetes sin efectos secundarios.</p>" * 2000
    return (text + "</body></html>").encode("utf-16")


CASES = [
    Case("start-up (one line)", ".txt", lambda: b"Stem cells cure autism.\n"),
    Case("dense 320 KB, no sentence end", ".txt", lambda: ("stem cells cure all " * 16_000).encode()),
    Case("dense 1 MB, no sentence end", ".txt", lambda: ("stem cells cure all " * 50_000).encode()),
    Case("20,000 '!' then a claim", ".txt", lambda: ("!" * 20_000 + CLAIM).encode()),
    Case("20,000 '?' then a claim", ".txt", lambda: ("?" * 20_000 + CLAIM).encode()),
    Case('20,000 "\'" then a claim', ".txt", lambda: ("'" * 20_000 + CLAIM).encode()),
    Case("40,000 spaces then a claim", ".txt", lambda: (" " * 40_000 + CLAIM).encode()),
    Case("10,000 '!?' (mixed run)", ".txt", lambda: ("!?" * 10_000 + CLAIM).encode()),
    Case('10,000 "\'s" (suffix run)', ".txt", lambda: ("'s" * 10_000 + CLAIM).encode()),
    Case("100,000 'a.<tab>'", ".txt", lambda: ("a.\t" * 100_000 + CLAIM).encode()),
    Case(
        "REGEX pack ^(a+)+$",
        ".txt",
        lambda: b"a" * 52 + b"!",
        args=("--rules", "{pack}"),
        expect=(2,),
    ),
    Case("30 MB text page (1 MB cap)", ".txt", lambda: _big_page(30_000_000)),
    Case("30 MB HTML page (1 MB cap)", ".html", lambda: _page(_big_page(30_000_000).decode())),
    Case(
        "10,000 nested <td>",
        ".html",
        lambda: _page(
            "<table><tr>" + "<td>" * 10_000 + "Stem cells cure autism." + "</td>" * 10_000 + "</tr></table>"
        ),
    ),
    Case(
        "2,500-deep inline tags",
        ".html",
        lambda: _page("<b><i>" * 1_250 + "Stem cells cure autism." + "</i></b>" * 1_250),
    ),
    Case("UTF-16 page", ".html", _utf16_page),
]


@dataclass
class Result:
    seconds: float
    peak_mb: float
    code: int | None  # None: killed at the timeout
    findings: str
    note: str


def run(case: Case, folder: Path, timeout: float) -> Result:
    page = folder / f"case{case.suffix}"
    page.write_bytes(case.make())
    pack = folder / "hostile.yaml"
    pack.write_text(REGEX_PACK, encoding="utf-8")
    out, err = folder / "out.json", folder / "err.txt"
    args = [a.format(pack=pack) for a in case.args]
    command = [sys.executable, "-m", "claimcheck", "check", str(page), "--format", "json", *args]
    started = time.perf_counter()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr, start_new_session=True)
        code, usage = _wait(process.pid, timeout)
    seconds = time.perf_counter() - started
    peak_mb = usage.ru_maxrss / 1024 if usage else float("nan")
    return Result(seconds, peak_mb, code, _findings(out), _note(err, code, case))


def _wait(pid: int, timeout: float) -> tuple[int | None, resource.struct_rusage | None]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status), usage
        time.sleep(0.05)
    os.killpg(pid, signal.SIGKILL)  # the process group we started, nothing else
    _, _, usage = os.wait4(pid, 0)
    return None, usage


def _findings(out: Path) -> str:
    try:
        report = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "-"
    mark = " (truncated)" if report.get("truncated") else ""
    return f"{len(report.get('findings', []))} {report.get('verdict', '?')}{mark}"


def _note(err: Path, code: int | None, case: Case) -> str:
    text = err.read_text(encoding="utf-8", errors="replace")
    if code is None:
        return "killed at the timeout"
    if "Traceback" in text:
        return "TRACEBACK: " + text.strip().splitlines()[-1][:80]
    if code not in case.expect:
        return f"unexpected exit {code}: " + (text.strip().splitlines() or [""])[0][:80]
    return (text.strip().splitlines() or [""])[0][:80]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="", help="comma-separated parts of case names")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    wanted = [w.strip().lower() for w in args.only.split(",") if w.strip()]
    cases = [CASES[0]] + [c for c in CASES[1:] if not wanted or any(w in c.name.lower() for w in wanted)]
    table = Table(
        title=f"claimcheck check on hostile inputs ({os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})"
    )
    for column in ("case", "input", "exit", "wall s", "work s", "peak MB", "findings", "goal", "note"):
        table.add_column(column, overflow="fold")
    baseline = None
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            size = len(case.make())
            result = run(case, Path(tmp), args.timeout)
            if baseline is None:  # start-up varies with the machine's load: the faster of two runs
                result = min(result, run(case, Path(tmp), args.timeout), key=lambda r: r.seconds)
                baseline = result.seconds
            ok = (
                result.code in case.expect
                and result.seconds - baseline <= GOAL_SECONDS
                and result.peak_mb <= GOAL_MB
                and "TRACEBACK" not in result.note
            )
            table.add_row(
                case.name,
                f"{size / 1e6:.2f} MB" if size >= 100_000 else f"{size:,} B",
                "-" if result.code is None else str(result.code),
                f"{result.seconds:.1f}",
                f"{result.seconds - baseline:.1f}",
                f"{result.peak_mb:.0f}",
                result.findings,
                "ok" if ok else "MISSED",
                result.note,
            )
            print(
                f"{case.name}: {result.seconds:.1f} s, {result.peak_mb:.0f} MB", file=sys.stderr, flush=True
            )
    Console(width=200).print(table)


if __name__ == "__main__":
    main()
