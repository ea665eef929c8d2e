"""Findings and reports: plain dataclasses, the contract's JSON shape (shared CONTRACT.md section 3).

Renderers and stores read these only; nothing here knows about spaCy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from claimcheck.rules.model import SEVERITIES

SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class Finding:
    rule: str
    category: str
    severity: str
    start: int  # character offsets into the checked text
    end: int
    text: str
    context: str  # asserted | negated | cautionary | question | hypothetical | attributed
    message: str
    cue: str | None = None  # the words that set a non-asserted context
    sentence: str = ""
    reference: str = ""
    evidence: str | None = None  # what satisfied a rule's "near" or "min_distinct" condition
    detector: str = "rule"  # "rule" (a pattern fired) or "model" (the learned classifier, no rule fired)
    confidence: float | None = None  # calibrated probability that the finding is right (None: not scored)
    top_terms: tuple[str, ...] = ()  # for model decisions: the words that weighed most
    page: int | None = None  # 1-based page of a PDF the finding sits on

    @property
    def asserted(self) -> bool:
        return self.context == "asserted"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "context": self.context,
            "message": self.message,
            "cue": self.cue,
            "sentence": self.sentence,
            "reference": self.reference,
            "evidence": self.evidence,
            "detector": self.detector,
            "confidence": None if self.confidence is None else round(self.confidence, 3),
            "top_terms": list(self.top_terms),
            "page": self.page,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        fields = cls.__dataclass_fields__
        values = {k: v for k, v in data.items() if k in fields}
        if "top_terms" in values:
            values["top_terms"] = tuple(values["top_terms"] or ())
        return cls(**values)


@dataclass
class Report:
    id: str
    source: str
    sha256: str
    lang: str
    findings: list[Finding] = field(default_factory=list)
    url: str | None = None
    error: str | None = None
    truncated: bool = False
    page_voice: str | None = None  # who speaks on the page: marketing | cautionary | neutral | regulator
    page_voice_probability: float | None = None
    dismissed: list[Finding] = field(default_factory=list)  # rule hits the model did not confirm
    text: str = field(default="", repr=False)  # the checked text; not serialised (offsets point into it)

    @property
    def asserted(self) -> list[Finding]:
        return [f for f in self.findings if f.asserted]

    @property
    def categories(self) -> list[str]:
        return sorted({f.category for f in self.asserted})

    @property
    def verdict(self) -> str:
        if self.error is not None:
            return "skipped"
        return "flagged" if self.categories else "clean"

    @property
    def score(self) -> int:
        """Risk for ranking: severity weights of asserted findings (high 3, medium 2, low 1)."""
        return sum(SEVERITIES[f.severity] for f in self.asserted)

    @property
    def domain(self) -> str | None:
        """The site of the page (from its URL, else from a URL source), without "www."; None for local files."""
        return domain_of(self.url, self.source)

    @property
    def skip_reason(self) -> str | None:
        """A short, countable reason for a skipped report: "binary data", "HTTP 404 Not Found", "invalid JSON"."""
        if self.error is None:
            return None
        text = self.error
        for name in (self.url, self.source, self.id):
            if name and text.startswith(f"{name}: "):
                text = text[len(name) + 2 :]
                break
        text = re.sub(r"^line \d+: ", "", text)
        head, sep, rest = text.partition(": ")
        if sep and ("/" in head or head.startswith("http")):
            text = rest  # "<archive path>: corrupt WARC data ..."
        text = re.sub(r" after offset \d+", "", text)
        return text.split(" (")[0].strip()[:60] or "unknown error"

    @property
    def max_severity(self) -> str | None:
        levels = [f.severity for f in self.asserted]
        return max(levels, key=SEVERITIES.__getitem__) if levels else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "url": self.url,
            "sha256": self.sha256,
            "lang": self.lang,
            "verdict": self.verdict,
            "categories": self.categories,
            "findings": [f.to_dict() for f in self.findings],
            "error": self.error,
            "score": self.score,
            "truncated": self.truncated,
            "page_voice": self.page_voice,
            "page_voice_probability": (
                None if self.page_voice_probability is None else round(self.page_voice_probability, 3)
            ),
            "dismissed": [f.to_dict() for f in self.dismissed],
            "schema_version": SCHEMA_VERSION,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        return cls(
            id=data["id"],
            source=data["source"],
            sha256=data["sha256"],
            lang=data["lang"],
            findings=[Finding.from_dict(f) for f in data.get("findings", [])],
            url=data.get("url"),
            error=data.get("error"),
            truncated=bool(data.get("truncated", False)),
            page_voice=data.get("page_voice"),
            page_voice_probability=data.get("page_voice_probability"),
            dismissed=[Finding.from_dict(f) for f in data.get("dismissed", [])],
        )


def domain_of(url: str | None, source: str = "") -> str | None:
    for candidate in (url, source):
        if candidate and candidate.lower().startswith(("http://", "https://")):
            try:
                host = (urlsplit(candidate).hostname or "").lower().rstrip(".")
            except ValueError:  # a malformed URL from a scraped page
                continue
            if host:
                return host.removeprefix("www.") or host
    return None
