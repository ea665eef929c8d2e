"""Labelled passages for training: the evaluation format (CONTRACT.md section 5) plus `kind` and `source`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from claimcheck.errors import ClaimcheckError
from claimcheck.evaluation import read_passages
from claimcheck.findings import domain_of
from claimcheck.nlp.claim_model import VOICES

# Registrable domains under a two-part public suffix, common on clinic sites: "clinica.com.mx".
_TWO_PART_SUFFIXES = frozenset(
    "co.uk org.uk ac.uk gov.uk com.mx gob.mx org.mx com.co com.ar com.br com.au net.au co.in com.pa com.pe "
    "com.ve co.cr com.do com.ec co.za co.kr com.tr com.ua com.sg com.cn co.jp com.gt com.py com.uy com.sv".split()
)


# Text written for the project weighs this much against a real passage. Grouped CV over the real passages
# (corpus/passages.jsonl as extra): at 0.5 (an earlier model) F1 fell to 0.469 with more false alarms, its canonical
# wording outweighing real usage; at 0.1, F1 0.525 with 7.3% false alarms (fold seed 0); at 0.03, 0.530 with 7.4%
# over fold seeds 0-2, against 0.522 with 7.7% without it. Calibration and thresholds still see real text only.
EXTRA_WEIGHT = 0.03


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    labels: frozenset[str]
    lang: str | None
    kind: str | None  # who speaks (claim_model.VOICES), when the data says
    group: str  # the site: passages of one site never straddle a fold
    extra: bool = False  # text written for the project: trains the model, never scored, at EXTRA_WEIGHT
    url: str | None = None  # the page's address (`source` or `url`), for the voice of the address

    @property
    def weight(self) -> float:
        return EXTRA_WEIGHT if self.extra else 1.0


def site_of(source: str | None, fallback: str) -> str:
    host = domain_of(source) if source else None
    if not host:
        return fallback
    parts = host.split(".")
    if len(parts) >= 3 and ".".join(parts[-2:]) in _TWO_PART_SUFFIXES:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def read_examples(paths: list[Path], *, extra: bool = False) -> list[Example]:
    examples: list[Example] = []
    for path in paths:
        problems: list[str] = []
        fields = _extra_fields(path)
        for passage in read_passages(path, problems):
            kind, source = fields.get(passage.line, (None, None))
            examples.append(
                Example(
                    id=passage.id,
                    text=passage.text,
                    labels=passage.labels,
                    lang=passage.lang,
                    kind=kind if kind in VOICES else None,
                    group=site_of(source, f"{path.name}#{passage.id}"),
                    extra=extra,
                    url=source,
                )
            )
        if problems:
            raise ClaimcheckError(f"{path}: {problems[0]}")
    if not examples:
        raise ClaimcheckError("no labelled passages to train on")
    return examples


def _extra_fields(path: Path) -> dict[int, tuple[str | None, str | None]]:
    """Line number -> (kind, source); read apart so the evaluation reader stays the one parser of labels."""
    out: dict[int, tuple[str | None, str | None]] = {}
    if path.name.endswith(".gz"):
        return out
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                data = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(data, dict):
                kind, source = data.get("kind"), data.get("source") or data.get("url")
                out[number] = (
                    kind if isinstance(kind, str) else None,
                    source if isinstance(source, str) else None,
                )
    return out
