from __future__ import annotations

import gzip
import json
from pathlib import Path

PASSAGES = [
    {
        "id": "1",
        "text": "Our stem cell capsules restore your energy.",
        "labels": ["oral_product"],
        "lang": "en",
    },
    {"id": "2", "text": "Avoid clinics that sell stem cell capsules.", "labels": [], "lang": "en"},
    {"id": "3", "text": "We treat knees with physiotherapy.", "labels": ["cure_all"], "lang": "en"},
]


def write_jsonl(path: Path, rows: list, *, gz: bool = False) -> Path:
    data = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows).encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def test_eval_figures_as_json(cli, tmp_path: Path) -> None:
    result = cli(
        "eval", str(write_jsonl(tmp_path / "l.jsonl", PASSAGES)), "--format", "json", "--show-errors"
    )
    data = json.loads(result.stdout)
    assert result.exit_code == 0
    assert data["per_category"]["oral_product"]["tp"] == 1
    assert data["per_category"]["cure_all"]["fn"] == 1
    assert data["unlabelled"] == 1 and data["unlabelled_flagged"] == 0
    assert data["micro"]["precision"] == 1.0 and data["micro"]["recall"] == 0.5
    assert any(e["kind"] == "false negative" and e["passage"] == "3" for e in data["errors"])


def test_eval_reads_gzip_and_reports_bad_lines(cli, tmp_path: Path) -> None:
    rows = [*PASSAGES, "{broken", {"id": "x", "labels": []}, {"id": "y", "text": "t", "labels": ["magic"]}]
    result = cli("eval", str(write_jsonl(tmp_path / "l.jsonl.gz", rows, gz=True)))
    assert result.exit_code == 0
    assert "line 4: invalid JSON" in result.stdout
    assert "line 5: no 'text'" in result.stdout
    assert "line 6: unknown label 'magic'" in result.stdout
    assert "micro" in result.stdout


def test_eval_floor(cli, tmp_path: Path) -> None:
    path = str(write_jsonl(tmp_path / "l.jsonl", PASSAGES))
    assert cli("eval", path, "--min-f1", "0.99").exit_code == 1
    assert cli("eval", path, "--min-f1", "0.5").exit_code == 0


def test_eval_missing_file(cli, tmp_path: Path) -> None:
    result = cli("eval", str(tmp_path / "none.jsonl"))
    assert result.exit_code == 2 and "cannot read" in result.stderr


def test_a_missed_claim_whose_rule_hit_the_model_dismissed_says_so() -> None:
    from claimcheck.evaluation import EvalResult, Passage, tally
    from claimcheck.findings import Finding, Report

    hit = Finding("cure_all.en.x", "cure_all", "high", 4, 9, "cures", "asserted", "m", confidence=0.31)
    report = Report("p", "p", "0" * 64, "en", dismissed=[hit])
    result = EvalResult("s")
    tally(result, Passage("p", "Oil cures all.", frozenset({"cure_all"}), "en", 1), report)
    (error,) = result.errors
    assert error.kind == "false negative" and "dismissed" in error.why and "0.31" in error.why
