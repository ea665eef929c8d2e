"""The SQLite store: every report of a batch, resumable and queryable.

Schema (version 1):
  meta(key, value)                      schema_version, created_by
  runs(id, started_at, finished_at, tool_version, rules_digest, inputs, documents, skipped, interrupted)
  documents(pk, doc_key UNIQUE, id, source, url, domain, sha256, lang, verdict, score, max_severity,
            categories, error, truncated, checked_at, run_id, report)      report = the contract JSON
  findings(doc_pk, rule, category, severity, context, cue, start, end, text, sentence)
A document is identified by (source, sha256): running the same command again skips what is stored and
finishes the rest, so a run killed at any moment loses nothing and stores nothing twice (reports are
committed in batches; an uncommitted batch is simply checked again). WAL mode lets readers open the
database while a scan writes.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from claimcheck.errors import ClaimcheckError
from claimcheck.findings import Report

SCHEMA_VERSION = "1"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, tool_version TEXT, rules_digest TEXT,
    inputs TEXT, documents INTEGER DEFAULT 0, skipped INTEGER DEFAULT 0, interrupted INTEGER DEFAULT 0
);
CREATE TABLE IF NOT EXISTS documents (
    pk INTEGER PRIMARY KEY, doc_key TEXT NOT NULL UNIQUE, id TEXT NOT NULL, source TEXT NOT NULL, url TEXT,
    domain TEXT, sha256 TEXT NOT NULL, lang TEXT, verdict TEXT NOT NULL, score INTEGER NOT NULL DEFAULT 0,
    max_severity TEXT, categories TEXT NOT NULL DEFAULT '', error TEXT, truncated INTEGER NOT NULL DEFAULT 0,
    checked_at TEXT NOT NULL, run_id INTEGER REFERENCES runs(id), report TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_verdict ON documents(verdict);
CREATE INDEX IF NOT EXISTS documents_domain ON documents(domain, score DESC);
CREATE INDEX IF NOT EXISTS documents_score ON documents(score DESC);
CREATE INDEX IF NOT EXISTS documents_sha ON documents(sha256);
CREATE TABLE IF NOT EXISTS findings (
    doc_pk INTEGER NOT NULL REFERENCES documents(pk) ON DELETE CASCADE, rule TEXT NOT NULL, category TEXT NOT NULL,
    severity TEXT NOT NULL, context TEXT NOT NULL, cue TEXT, start INTEGER, "end" INTEGER, text TEXT, sentence TEXT
);
CREATE INDEX IF NOT EXISTS findings_doc ON findings(doc_pk);
CREATE INDEX IF NOT EXISTS findings_category ON findings(category, context);
CREATE INDEX IF NOT EXISTS findings_rule ON findings(rule);
"""


def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def doc_key(source: str, sha256: str) -> str:
    return f"{source}\x00{sha256}"


class Store:
    """One SQLite file. Use as a context manager; `add` buffers, `commit` writes a batch atomically."""

    def __init__(self, path: str | Path, *, batch_size: int = 200, batch_seconds: float = 2.0) -> None:
        self.path = Path(path)
        self.batch_size, self.batch_seconds = batch_size, batch_seconds
        self._pending = 0
        self._last_commit = time.monotonic()
        self.run_id: int | None = None
        try:
            self.db = sqlite3.connect(self.path, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.executescript(_SCHEMA)
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
            self.db.commit()
        except sqlite3.DatabaseError as exc:
            raise ClaimcheckError(f"{self.path}: not a claimcheck store ({exc})") from None
        version = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if version and version[0] != SCHEMA_VERSION:
            raise ClaimcheckError(
                f"{self.path}: store schema {version[0]}, this claimcheck reads {SCHEMA_VERSION}"
            )

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.commit()
        self.db.close()

    def start_run(self, *, tool_version: str, rules_digest: str, inputs: list[str]) -> int:
        cursor = self.db.execute(
            "INSERT INTO runs(started_at, tool_version, rules_digest, inputs) VALUES (?, ?, ?, ?)",
            (now_utc(), tool_version, rules_digest, json.dumps(inputs)),
        )
        self.db.commit()
        self.run_id = cursor.lastrowid
        return int(cursor.lastrowid or 0)

    def finish_run(self, *, documents: int, skipped: int, interrupted: bool) -> None:
        self.commit()
        if self.run_id is not None:
            self.db.execute(
                "UPDATE runs SET finished_at=?, documents=?, skipped=?, interrupted=? WHERE id=?",
                (now_utc(), documents, skipped, int(interrupted), self.run_id),
            )
            self.db.commit()

    def has(self, source: str, sha256: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM documents WHERE doc_key=?", (doc_key(source, sha256),)
        ).fetchone()
        return row is not None

    def add(self, report: Report, *, extra: dict[str, Any] | None = None) -> bool:
        """Store a report unless (source, sha256) is stored already; returns whether it was new."""
        data = report.to_dict()
        if extra:
            data.update(extra)
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO documents(doc_key, id, source, url, domain, sha256, lang, verdict, score,"
            " max_severity, categories, error, truncated, checked_at, run_id, report)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc_key(report.source, report.sha256),
                report.id,
                report.source,
                report.url,
                report.domain,
                report.sha256,
                report.lang,
                report.verdict,
                report.score,
                report.max_severity,
                ",".join(report.categories),
                report.error,
                int(report.truncated),
                data.get("fetched_at") or now_utc(),
                self.run_id,
                json.dumps(data, ensure_ascii=False),
            ),
        )
        if cursor.rowcount == 0:
            return False
        pk = cursor.lastrowid
        self.db.executemany(
            'INSERT INTO findings(doc_pk, rule, category, severity, context, cue, start, "end", text, sentence)'
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (pk, f.rule, f.category, f.severity, f.context, f.cue, f.start, f.end, f.text, f.sentence)
                for f in report.findings
            ],
        )
        self._pending += 1
        if self._pending >= self.batch_size or time.monotonic() - self._last_commit > self.batch_seconds:
            self.commit()
        return True

    def commit(self) -> None:
        self.db.commit()
        self._pending = 0
        self._last_commit = time.monotonic()

    # -- queries -------------------------------------------------------------------------------------
    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM documents").fetchone()[0])

    def reports(self, *, order: str = "pk") -> Iterator[Report]:
        sql = "SELECT report FROM documents ORDER BY " + ("score DESC, pk" if order == "score" else "pk")
        for (report,) in self.db.execute(sql):
            yield Report.from_dict(json.loads(report))

    def report_dicts(self) -> Iterator[dict[str, Any]]:
        for (report,) in self.db.execute("SELECT report FROM documents ORDER BY pk"):
            yield json.loads(report)

    def by_domain(self, limit: int = 50) -> list[tuple[Any, ...]]:
        return self.db.execute(
            "SELECT coalesce(domain, '(local files)'), count(*), sum(verdict='flagged'), sum(score)"
            " FROM documents GROUP BY 1 ORDER BY 4 DESC, 2 DESC LIMIT ?",
            (limit,),
        ).fetchall()

    def by_page(self, limit: int = 50) -> list[tuple[Any, ...]]:
        return self.db.execute(
            "SELECT id, coalesce(url, source), verdict, score, categories FROM documents"
            " WHERE verdict != 'skipped' ORDER BY score DESC, pk LIMIT ?",
            (limit,),
        ).fetchall()

    def by_rule(self, limit: int = 100) -> list[tuple[Any, ...]]:
        return self.db.execute(
            "SELECT rule, category, count(*), count(DISTINCT doc_pk), sum(context='asserted') FROM findings"
            " GROUP BY rule ORDER BY 5 DESC, 3 DESC LIMIT ?",
            (limit,),
        ).fetchall()

    def totals(self) -> dict[str, int]:
        rows = self.db.execute("SELECT verdict, count(*) FROM documents GROUP BY verdict").fetchall()
        return {verdict: int(n) for verdict, n in rows}
