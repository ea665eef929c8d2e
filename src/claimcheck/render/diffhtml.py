"""The side-by-side HTML of `claimcheck diff`: per page, claims removed (left) and added (right)."""

from __future__ import annotations

from collections import defaultdict
from html import escape
from typing import TextIO

from claimcheck.diff import Claim, DiffResult

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:1200px}
h1{font-size:1.4rem}h2{font-size:1.05rem;margin-top:2rem;word-break:break-all}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.col{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem}
.removed h3{color:#8a1c1c}.added h3{color:#1c5e20}
li{margin:.4rem 0}.meta{color:#666;font-size:.85rem}
mark{background:#ffe08a}.tag{font-size:.75rem;background:#eee;border-radius:3px;padding:0 .3rem}
"""


def _claim(claim: Claim) -> str:
    sentence, text = escape(claim.sentence), escape(claim.text)
    shown = (
        sentence.replace(text, f"<mark>{text}</mark>", 1)
        if text and text in sentence
        else f"{sentence} <mark>{text}</mark>"
    )
    return (
        f"<li><span class='tag'>{escape(claim.category)}</span> {shown}"
        f"<div class='meta'>{escape(claim.rule)} · {escape(claim.severity)} · {escape(claim.context)}</div></li>"
    )


def write_diff_html(result: DiffResult, handle: TextIO, *, old: str, new: str) -> None:
    by_url: dict[str, dict[str, list[Claim]]] = defaultdict(lambda: {"removed": [], "added": []})
    for claim in result.removed:
        by_url[claim.url]["removed"].append(claim)
    for claim in result.added:
        by_url[claim.url]["added"].append(claim)
    handle.write(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>claimcheck diff</title><style>{_STYLE}</style></head><body>"
    )
    handle.write(f"<h1>What changed: {escape(old)} → {escape(new)}</h1>")
    handle.write(
        f"<p>{len(result.added)} claims added, {len(result.removed)} removed, {result.unchanged} unchanged; "
        f"{len(result.pages_added)} pages appeared, {len(result.pages_removed)} vanished.</p>"
    )
    for title, pages in (
        ("Pages that appeared", result.pages_added),
        ("Pages that vanished", result.pages_removed),
    ):
        if pages:
            handle.write(f"<h2>{title}</h2><ul>" + "".join(f"<li>{escape(p)}</li>" for p in pages) + "</ul>")
    for url in sorted(by_url):
        handle.write(f"<h2>{escape(url)}</h2><div class='cols'>")
        for side in ("removed", "added"):
            claims = by_url[url][side]
            handle.write(f"<div class='col {side}'><h3>{side} ({len(claims)})</h3><ul>")
            handle.write("".join(_claim(c) for c in claims) or "<li class='meta'>none</li>")
            handle.write("</ul></div>")
        handle.write("</div>")
    handle.write("</body></html>\n")
