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
STORE_NAME = "claimcheck.sqlite"  # the store's name inside an audit folder


def store_path(target: Path) -> Path:
    """A store file, or an audit folder that holds one. Never creates a store by accident."""
    path = target / STORE_NAME if target.is_dir() else target
    if not path.is_file():
        raise ClaimcheckError(
            f"{target}: no such store (give a .sqlite file from `scan --db` or an audit folder)"
        )
    return path


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

    def __init__(
        self, path: str | Path, *, readonly: bool = False, batch_size: int = 200, batch_seconds: float = 2.0
    ) -> None:
        self.path = Path(path)
        self.batch_size, self.batch_seconds = batch_size, batch_seconds
        self._pending = 0
        self._last_commit = time.monotonic()
        self.run_id: int | None = None
        try:
            if readonly:  # `report` and `diff` never change a file they are pointed at
                self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
            else:
                self.db = sqlite3.connect(self.path, timeout=30)
            tables = {row[0] for row in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if (tables or readonly) and "meta" not in tables:
                raise ClaimcheckError(
                    f"{self.path}: not a claimcheck store (an SQLite file with other tables)"
                )
            if not readonly:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                self.db.execute("PRAGMA foreign_keys=ON")
                self.db.executescript(_SCHEMA)
                self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
                self.db.commit()
            version = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise ClaimcheckError(f"{self.path}: not a claimcheck store ({exc})") from None
        if version and version[0] != SCHEMA_VERSION:
            raise ClaimcheckError(
                f"{self.path}: store schema {version[0]}, this claimcheck reads {SCHEMA_VERSION}"
            )

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.db.in_transaction:
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

    # -- queries -----------------------------------------------------------------------------------------
    # Rankings and exports read the latest report of each source: a page that changed between two scans
    # (same source, new SHA-256) is counted once, as it is now.
    _LATEST = "pk IN (SELECT max(pk) FROM documents GROUP BY source)"

    def previous_rules_digest(self) -> str | None:
        row = self.db.execute(
            "SELECT rules_digest FROM runs WHERE id != coalesce(?, -1) ORDER BY id DESC LIMIT 1",
            (self.run_id,),
        ).fetchone()
        return str(row[0]) if row and row[0] else None

    def stored(self, source: str, sha256: str) -> Report | None:
        row = self.db.execute(
            "SELECT report FROM documents WHERE doc_key=?", (doc_key(source, sha256),)
        ).fetchone()
        return Report.from_dict(json.loads(row[0])) if row else None

    def reports(self, *, order: str = "pk") -> Iterator[Report]:
        for data in self.report_dicts(order=order):
            yield Report.from_dict(data)

    def report_dicts(self, *, order: str = "pk") -> Iterator[dict[str, Any]]:
        sort = "score DESC, pk" if order == "score" else "pk"
        for (report,) in self.db.execute(
            f"SELECT report FROM documents WHERE {self._LATEST} ORDER BY {sort}"
        ):
            yield json.loads(report)

    def by_domain(self, limit: int = 50) -> list[tuple[Any, ...]]:
        return self.db.execute(
            "SELECT coalesce(domain, '(local files)'), count(*), sum(verdict='flagged'), sum(score)"
            f" FROM documents WHERE {self._LATEST} GROUP BY 1 ORDER BY 4 DESC, 2 DESC LIMIT ?",
            (limit,),
        ).fetchall()

    def by_page(self, limit: int = 50) -> list[tuple[Any, ...]]:
        return self.db.execute(
            "SELECT id, coalesce(url, source), verdict, score, categories FROM documents"
            f" WHERE verdict != 'skipped' AND {self._LATEST} ORDER BY score DESC, pk LIMIT ?",
            (limit,),
        ).fetchall()

    def by_rule(self, limit: int = 100) -> list[tuple[Any, ...]]:
        return self.db.execute(
            "SELECT rule, category, count(*), count(DISTINCT doc_pk), sum(context='asserted') FROM findings"
            f" WHERE doc_pk IN (SELECT pk FROM documents WHERE {self._LATEST})"
            " GROUP BY rule ORDER BY 5 DESC, 3 DESC LIMIT ?",
            (limit,),
        ).fetchall()

    def totals(self) -> dict[str, int]:
        rows = self.db.execute(
            f"SELECT verdict, count(*) FROM documents WHERE {self._LATEST} GROUP BY verdict"
        )
        return {verdict: int(n) for verdict, n in rows.fetchall()}
