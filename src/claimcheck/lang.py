"""Language of a document and of each of its blocks (mixed English/Spanish pages are common).

Two languages with very different function words do not need a statistical model: counting frequent
stop words is deterministic, needs no download and costs microseconds per paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SUPPORTED = ("en", "es")
_STOPWORDS = {
    "en": frozenset(
        "the and of to in is are that for with our your you we it this be on as by from can not or have has "
        "was were will an at which their they these what how more treatment cells".split()
    ),
    "es": frozenset(
        "el la los las de del que y en es son para con por una un su sus nuestro nuestra nuestros se al lo "
        "como más pero sin también este esta estos tratamiento células celulas ya muy".split()
    ),
}
_WORD = re.compile(r"[^\W\d_]+")
_BLOCK = re.compile(r"\n\s*\n|\n(?=\s*(?:[-*•·]|\d+[.)])\s)")
MIN_EVIDENCE = 3  # stop-word hits needed before a block overrides the document's language
SAMPLE_CHARS = 6000
MIXED_SHARE = 0.08  # below this share of the other language's stop words, a page is monolingual


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    lang: str


def scores(text: str) -> dict[str, int]:
    words = _WORD.findall(text.lower())
    return {lang: sum(map(_STOPWORDS[lang].__contains__, words)) for lang in SUPPORTED}


def detect(text: str, default: str = "en") -> str:
    counts = scores(text)
    best = max(SUPPORTED, key=lambda lang: counts[lang])
    return best if counts[best] > 0 else default


def segments(text: str, lang: str | None = None) -> list[Segment]:
    """Split text into runs of one language. With `lang` given, the whole text is that language.

    A block (paragraph, list item) switches language only on clear evidence; short blocks such as
    "FAQ" or "Dr. Ruiz" stay in the language of the text around them.
    """
    if lang is not None or not text:
        return [Segment(0, len(text), lang or detect(text))]
    # A sample decides the common case (one language) without scanning a long page word by word.
    sample = text if len(text) <= 2 * SAMPLE_CHARS else text[:SAMPLE_CHARS] + " " + text[-SAMPLE_CHARS:]
    counts = scores(sample)
    current = max(SUPPORTED, key=lambda lg: counts[lg])
    if counts[current] == 0:
        return [Segment(0, len(text), "en")]
    if min(counts.values()) < MIXED_SHARE * counts[current]:
        return [Segment(0, len(text), current)]  # clearly one language: no need to look block by block
    out: list[Segment] = []
    start = 0
    for block_start, block_end in _blocks(text):
        block_lang = _confident(text[block_start:block_end])
        if block_lang and block_lang != current:
            if block_start > start:
                out.append(Segment(start, block_start, current))
            start, current = block_start, block_lang
    out.append(Segment(start, len(text), current))
    return _merge(out)


def _confident(block: str) -> str | None:
    counts = scores(block)
    best = max(SUPPORTED, key=lambda lang: counts[lang])
    others = max(counts[lang] for lang in SUPPORTED if lang != best)
    return best if counts[best] >= MIN_EVIDENCE and counts[best] > 2 * others else None


def _blocks(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _BLOCK.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if e > s]


def _merge(segs: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for seg in segs:
        if seg.end <= seg.start:
            continue
        if merged and merged[-1].lang == seg.lang:
            merged[-1] = Segment(merged[-1].start, seg.end, seg.lang)
        else:
            merged.append(seg)
    return merged


def dominant(segs: list[Segment]) -> str:
    total: dict[str, int] = {}
    for seg in segs:
        total[seg.lang] = total.get(seg.lang, 0) + seg.end - seg.start
    return max(total, key=lambda lang: total[lang]) if total else "en"
