"""HTML to checked text with trafilatura, the field's reference extractor: navigation, footers, scripts
and boilerplate are dropped; headings, paragraphs and list items stay separate blocks (one per line)
so that a sentence never runs across two list items. Reader comments are kept apart, at the end."""

from __future__ import annotations

import logging
import re

from lxml import etree

from claimcheck.sources.markup import bounded_html, drop, parse

COMMENTS_HEADING = "Reader comments"
# trafilatura logs parse trouble at ERROR level; for us a poor page is normal input, not a fault.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
_BLOCKS = {"head", "p", "item", "quote", "code", "row", "cell"}
_MARKUP = re.compile(r"<(?:[a-zA-Z][\w:-]*[\s/>]|/[a-zA-Z]|!--|!doctype)", re.IGNORECASE)


def has_markup(text: str) -> bool:
    """Whether a ".html" document holds any tag at all: one that holds none is plain text."""
    return _MARKUP.search(text) is not None


def extract_html(html: str) -> tuple[str, int | None]:
    """Return (text, offset where reader comments start or None)."""
    import trafilatura  # here, not at the top: checking plain text never pays for importing it (~0.2 s)

    if "<body" not in html[:4096].lower():
        html = f"<html><body>{html}</body></html>"  # a fragment, as JSONL dumps often hold
    html = bounded_html(html) or html
    xml = trafilatura.extract(
        html,
        output_format="xml",
        include_comments=True,
        include_tables=True,
        include_links=False,
        include_images=False,
        favor_recall=True,
        deduplicate=False,
        with_metadata=False,
    )
    if not xml:
        return _fallback(html), None
    root = etree.fromstring(xml.encode("utf-8"))
    main = _blocks(root.find("main"))
    comments = _blocks(root.find("comments"))
    text = "\n\n".join(main)
    if not comments:
        return text, None
    start = len(text) + 2 if text else 0
    return (text + "\n\n" if text else "") + COMMENTS_HEADING + "\n\n" + "\n\n".join(comments), start


_Parent = list[etree._Element | None]  # one cell: the list (table) whose items (rows) the last block holds


def _blocks(element: etree._Element | None) -> list[str]:
    """One block per heading or paragraph; the items of one list (rows of one table) share a block,
    one per line, so that "Conditions we treat:" and its items can be read together. Text that lies
    outside any block (trafilatura leaves a bare sentence in <main>) becomes a block of its own."""
    blocks: list[str] = []
    if element is not None:
        loose: list[str] = []
        _walk(element, blocks, loose, [None])
        _flush(loose, blocks)
    return blocks


def _walk(node: etree._Element, blocks: list[str], loose: list[str], last_parent: _Parent) -> None:
    """Depth-first over non-block containers (lists, tables, inline marks); the markup is bounded by
    then (markup.MAX_DEPTH), so the recursion stays shallow."""
    if node.text:
        loose.append(node.text)
    for child in node:
        if child.tag in _BLOCKS:
            if _flush(loose, blocks):
                last_parent[0] = None
            _add_block(child, blocks, last_parent)
        else:
            _walk(child, blocks, loose, last_parent)
        if child.tail:
            loose.append(child.tail)


def _flush(loose: list[str], blocks: list[str]) -> bool:
    text = " ".join("".join(loose).split())
    loose.clear()
    if text:
        blocks.append(text)
    return bool(text)


def _add_block(node: etree._Element, blocks: list[str], last_parent: _Parent) -> None:
    if node.tag == "row":
        cells = [" ".join("".join(c.itertext()).split()) for c in node]
        text = " | ".join(c for c in cells if c)
    else:
        text = " ".join("".join(node.itertext()).split())
    if not text:
        return
    parent = node.getparent()
    if node.tag in ("item", "row") and blocks and parent is last_parent[0]:
        blocks[-1] += "\n" + text
    else:
        blocks.append(text)
    last_parent[0] = parent if node.tag in ("item", "row") else None


def _fallback(html: str) -> str:
    """Very short or unusual pages, where trafilatura finds no main text: keep all visible text."""
    import trafilatura

    text = trafilatura.html2txt(html) or ""
    if text.strip():
        return text
    root = parse(html)  # huge_tree, and the markup is bounded by then: deep nesting hides nothing
    if root is None:
        return ""
    for element in list(root.iter("script", "style", "noscript", "template")):
        drop(element)
    return "\n".join(line.strip() for line in "".join(root.itertext()).splitlines() if line.strip())
