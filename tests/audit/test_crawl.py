"""Site audits of the fixture site: allowed pages fetched, evidence kept, claims flagged; diff between versions;
one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from .site import (
    FixtureSite,
    audit,
    stored_reports,
)


def test_audit_fetches_allowed_pages_keeps_evidence_and_flags_claims(
    cli, fixture_site: FixtureSite, tmp_path: Path
) -> None:
    out = tmp_path / "audit1"
    result = audit(cli, fixture_site.url, out)
    assert result.exit_code == 0, result.stderr
    assert "/private/secret" not in fixture_site.requests  # robots.txt honoured
    assert {"/robots.txt", "/", "/treatments", "/about", "/old-offer", "/offer", "/pills"} <= set(
        fixture_site.requests
    )

    reports = stored_reports(cli, out)
    assert set(reports) == {"", "treatments", "about", "offer", "huge", "pills", "faq", "binary"}
    assert reports["binary"]["verdict"] == "skipped"
    assert sorted(reports["treatments"]["categories"]) == ["overseas_iv", "risk_free"]
    assert reports["offer"]["categories"] == ["pressure_pricing"]
    assert reports["about"]["verdict"] == "clean"
    assert reports["huge"]["truncated"] is True
    for report in reports.values():
        if report["verdict"] == "skipped":
            continue
        assert report["fetched_at"].endswith("+00:00") and report["warc_record_id"].startswith("<urn:uuid:")
        assert len(report["sha256"]) == 64
    assert reports["offer"]["redirected_from"] == [fixture_site.url + "old-offer"]

    manifest = json.loads((out / "manifest.json").read_text())
    reasons = {item["url"].rsplit("/", 1)[-1]: item["reason"] for item in manifest["skipped"]}
    assert reasons["broken"] == "HTTP 500" and reasons["slow"] == "timed out"
    assert "not a URL" in reasons["bad-redirect"] and reasons["binary"].startswith("binary data")
    assert manifest["truncated"] == [fixture_site.url + "huge"]
    assert manifest["blocked_by_robots"] == [fixture_site.url + "private/secret"]
    assert "/faq" in fixture_site.requests  # only the sitemap links to it
    assert manifest["seed_url"] == fixture_site.url and manifest["tool_version"] and manifest["rules_digest"]
    assert not any("other.invalid" in item["url"] for item in manifest["skipped"])

    with (out / "crawl.warc.gz").open("rb") as stream:
        records = [
            (
                r.rec_type,
                r.rec_headers.get_header("WARC-Target-URI"),
                r.rec_headers.get_header("WARC-Payload-Digest"),
            )
            for r in ArchiveIterator(stream)
        ]
    targets = {uri for kind, uri, _ in records if kind == "response"}
    assert fixture_site.url + "treatments" in targets and fixture_site.url + "robots.txt" in targets
    assert not any("private" in uri or "other.invalid" in uri for _, uri, _ in records)
    assert all(digest for kind, _, digest in records if kind == "response")
    with (out / "crawl.warc.gz").open("rb") as stream:
        cut = {
            r.rec_headers.get_header("WARC-Target-URI"): r.rec_headers.get_header("WARC-Truncated")
            for r in ArchiveIterator(stream)
            if r.rec_type == "response"
        }
    assert cut[fixture_site.url + "huge"] == "length" and cut[fixture_site.url + "treatments"] is None
    again = audit(cli, fixture_site.url, out)
    assert again.exit_code == 2 and "already holds an audit" in again.stderr
    assert {kind for kind, _, _ in records} == {"request", "response"}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "treatments" in html and "<mark" in html
    assert "pressure_pricing" in cli("report", str(out), "--by", "rule").stdout


def test_dead_seed_url_is_one_line(cli, tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = audit(cli, f"http://127.0.0.1:{port}/", tmp_path / "dead")
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "seed URL" in result.stderr


def test_diff_lists_exactly_the_claims_that_changed(cli, fixture_site: FixtureSite, tmp_path: Path) -> None:
    audit(cli, fixture_site.url, tmp_path / "v1")
    fixture_site.version = 2
    audit(cli, fixture_site.url, tmp_path / "v2")
    result = cli("diff", str(tmp_path / "v1"), str(tmp_path / "v2"), "--format", "json")
    changes = json.loads(result.stdout)
    added = sorted((c["url"].rsplit("/", 1)[-1], c["category"]) for c in changes["added"])
    removed = sorted((c["url"].rsplit("/", 1)[-1], c["category"]) for c in changes["removed"])
    assert added == [("exosomes", "unverified_product"), ("treatments", "regulatory_misrep")]
    assert removed == [("pills", "oral_product"), ("treatments", "risk_free"), ("treatments", "risk_free")]
    assert [p.rsplit("/", 1)[-1] for p in changes["pages_added"]] == ["exosomes"]
    assert [p.rsplit("/", 1)[-1] for p in changes["pages_removed"]] == ["pills"]
    assert changes["unchanged"] >= 3  # the re-flowed IV/travel claims and the offer page match again
    side_by_side = tmp_path / "diff.html"
    assert cli("diff", str(tmp_path / "v1"), str(tmp_path / "v2"), "--html", str(side_by_side)).exit_code == 0
    assert "removed" in side_by_side.read_text() and "<mark>" in side_by_side.read_text()
    table = cli("diff", str(tmp_path / "v1"), str(tmp_path / "v2"))
    assert "2 claims added" in table.stdout or "claims added" in table.stdout


@pytest.mark.parametrize("size", ["0", "-5", "inf", "1e400", "lots"])
def test_bad_max_bytes_is_one_line(cli, tmp_path: Path, size: str) -> None:
    result = cli("audit", "http://127.0.0.1:9/", "--out", str(tmp_path / "a"), "--max-bytes", size)
    assert result.exit_code == 2 and "--max-bytes" in result.stderr and "Traceback" not in result.stderr


def test_audit_exit_code_follows_fail_on(cli, fixture_site: FixtureSite, tmp_path: Path) -> None:
    args = ["--delay", "0", "--timeout", "1", "--max-bytes", "20k", "--no-progress"]
    assert (
        cli("audit", fixture_site.url, "--out", str(tmp_path / "a"), *args, "--fail-on", "low").exit_code == 1
    )
    assert (
        cli("audit", fixture_site.url, "--out", str(tmp_path / "b"), *args, "--fail-on", "never").exit_code
        == 0
    )
