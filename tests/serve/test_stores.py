"""`claimcheck serve`: browsing a scan store read-only, rankings and stored pages, hostile stored content inert."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from claimcheck.findings import Finding, Report
from claimcheck.store import Store

from .pages import (
    HOSTILE,
    IMG,
    SCRIPT_TAG,
    assert_safe_page,
    error_line,
)

# -------------------------------------------------------------------------------------------------- stores


def _finding(category: str, text: str, sentence: str, **kw) -> Finding:
    return Finding(
        rule=kw.pop("rule", f"{category}.en.test"),
        category=category,
        severity=kw.pop("severity", "high"),
        start=0,
        end=len(text),
        text=text,
        context=kw.pop("context", "asserted"),
        message="A red flag.",
        sentence=sentence,
        reference="https://www.fda.gov/",
        **kw,
    )


@pytest.fixture()
def store_file(tmp_path: Path) -> Path:
    path = tmp_path / "scan.sqlite"
    with Store(path) as store:
        store.start_run(tool_version="test", rules_digest="abc", inputs=["x"])
        store.add(
            Report(
                id="a1",
                source="https://a.example/one",
                url="https://a.example/one",
                sha256="1" * 64,
                lang="en",
                findings=[
                    _finding(
                        "risk_free", "no side effects", "There are no side effects.", confidence=0.9, page=2
                    ),
                    _finding("cure_all", "cures", f"It cures all. {HOSTILE}", cue=HOSTILE, context="negated"),
                ],
            )
        )
        store.add(
            Report(
                id=HOSTILE,
                source=f"https://b.example/{HOSTILE}",
                url="javascript:alert(1)",
                sha256="2" * 64,
                lang="en",
                findings=[_finding("cure_all", "cures", f"{HOSTILE} It cures autism.", rule=HOSTILE)],
            )
        )
        store.add(Report(id="c", source="https://c.example/", url=None, sha256="3" * 64, lang="en"))
        store.add(Report(id="d", source="gone", sha256="4" * 64, lang="und", error="HTTP 404 Not Found"))
        store.finish_run(documents=4, skipped=1, interrupted=False)
    return path


def test_store_rankings_and_pages(client, store_file):
    before = hashlib.sha256(store_file.read_bytes()).hexdigest()
    response = client.get(f"/store?path={quote(str(store_file))}&limit=10")
    assert response.status_code == 200, error_line(response)
    page = assert_safe_page(response)
    html = response.get_data(as_text=True)
    assert SCRIPT_TAG not in html and IMG not in html
    assert "a.example" in page.visible and "b.example" in page.visible  # domains
    totals = dict(re.findall(r'<li class="(\w+)"><b>(\d+)</b>', html))
    assert totals == {"documents": "4", "flagged": "2", "clean": "1", "skipped": "1"}
    assert "risk_free.en.test" in page.visible and HOSTILE in page.visible  # rules, the hostile one as text
    assert 'href="javascript' not in html
    links = [href for href in page.values("href") if href.startswith("/store/page?")]
    assert len(links) == 3  # the checked pages, not the skipped one
    detail = client.get(links[0])
    assert detail.status_code == 200, error_line(detail)
    assert_safe_page(detail)
    shown = detail.get_data(as_text=True)
    assert '<li class="finding" data-cat="risk_free">' in shown and "confidence <b>90%</b>" in shown
    assert "PDF page <b>2</b>" in shown and "back to the store" in shown
    assert hashlib.sha256(store_file.read_bytes()).hexdigest() == before  # opened read-only


def test_store_errors_are_one_line(client, tmp_path):
    not_store = tmp_path / "other.sqlite"
    import sqlite3

    with sqlite3.connect(not_store) as db:
        db.execute("CREATE TABLE t (x)")
    for path, message in (
        (str(tmp_path / "nope"), "no such store"),
        (str(not_store), "not a claimcheck store"),
        ("x\x00y", "not a path"),
    ):
        response = client.get("/store", query_string={"path": path})
        assert response.status_code == 400 and message in error_line(response), path
    assert client.get("/store").status_code == 200  # the empty form
    response = client.get("/store", query_string={"path": str(not_store), "limit": "0"})
    assert "rows: give a number from 1 to 1000" in error_line(response)
    missing = client.get("/store/page", query_string={"path": str(tmp_path / "nope"), "source": "x"})
    assert missing.status_code == 400


def test_stored_page_that_is_gone(client, store_file):
    response = client.get("/store/page", query_string={"path": str(store_file), "source": "x", "sha256": "0"})
    assert response.status_code == 400 and "not in this store" in error_line(response)
