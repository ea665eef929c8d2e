"""The JSON report keeps to shared CONTRACT.md section 3."""

from __future__ import annotations

import json

from claimcheck import Checker
from claimcheck.findings import Report
from claimcheck.rules import CATEGORIES, CONTEXTS

TEXT = (
    "Our stem cell capsules have no side effects.\n"
    "Avoid clinics that sell exosome injections.\n"
    "Book now: only 3 spots left!"
)


def test_report_has_contract_fields_and_types(checker: Checker) -> None:
    data = checker.check_text(TEXT, id="doc-1", source="page.txt", url="https://example.org/p").to_dict()
    assert {"id", "source", "url", "sha256", "lang", "verdict", "categories", "findings", "error"} <= set(
        data
    )
    assert data["id"] == "doc-1" and data["source"] == "page.txt" and data["url"] == "https://example.org/p"
    assert len(data["sha256"]) == 64 and data["lang"] == "en" and data["error"] is None
    assert data["verdict"] == "flagged"
    assert data["categories"] == sorted(data["categories"])
    for finding in data["findings"]:
        assert {"rule", "category", "severity", "start", "end", "text", "context", "message"} <= set(finding)
        assert finding["category"] in CATEGORIES and finding["context"] in CONTEXTS
        assert finding["severity"] in ("high", "medium", "low")
        assert TEXT[finding["start"] : finding["end"]] == finding["text"]
    asserted = {f["category"] for f in data["findings"] if f["context"] == "asserted"}
    assert sorted(asserted) == data["categories"]
    assert any(f["context"] == "cautionary" for f in data["findings"])
    json.dumps(data)


def test_verdict_is_flagged_exactly_when_categories_exist(checker: Checker) -> None:
    clean = checker.check_text("We treat knee pain with physiotherapy and exercise.").to_dict()
    assert clean["verdict"] == "clean" and clean["categories"] == []


def test_offsets_hold_across_language_segments(checker: Checker) -> None:
    text = (
        "Our clinic in Denver offers knee care for athletes and their families.\n\n"
        "Nuestras cápsulas de células madre no tienen efectos secundarios y son para toda la familia."
    )
    report = checker.check_text(text)
    assert report.findings
    for f in report.findings:
        assert text[f.start : f.end] == f.text


def test_report_round_trips_through_json(checker: Checker) -> None:
    report = checker.check_text(TEXT)
    again = Report.from_dict(json.loads(json.dumps(report.to_dict())))
    assert again.to_dict() == report.to_dict()


def test_findings_over_the_same_words_keep_their_own_rule(checker: Checker) -> None:
    report = checker.check_text("Our lab is FDA-compliant.", lang="en")
    by_category = {f.category: f.rule for f in report.findings}
    assert by_category.get("unverified_product", "").startswith("unverified_product.")
    assert by_category.get("regulatory_misrep", "").startswith("regulatory_misrep.")


def test_skip_reasons_and_domains_are_countable() -> None:
    def skipped(error: str, source: str = "x", url: str | None = None) -> Report:
        return Report(id=source, source=source, sha256="0" * 64, lang="und", url=url, error=error)

    assert (
        skipped("https://a.example/p: HTTP 404 Not Found", url="https://a.example/p").skip_reason
        == "HTTP 404 Not Found"
    )
    assert skipped("line 7: invalid JSON (Expecting value)").skip_reason == "invalid JSON"
    assert (
        skipped("/data/c.warc.gz: corrupt WARC data after offset 1118 (junk)").skip_reason
        == "corrupt WARC data"
    )
    assert (
        Report(id="i", source="s", sha256="", lang="en", url="https://WWW.Clinic.example/a").domain
        == "clinic.example"
    )
    assert Report(id="i", source="/tmp/a.html", sha256="", lang="en").domain is None
    assert Report(id="i", source="s", sha256="", lang="en", url="http://[broken").domain is None
