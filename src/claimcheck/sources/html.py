"""HTML to checked text with trafilatura, the field's reference extractor: navigation, footers, scripts
and boilerplate are dropped; headings, paragraphs and list items stay separate blocks (one per line)
so that a sentence never runs across two list items. Reader comments are kept apart, at the end."""

from __future__ import annotations

import logging

import trafilatura
from lxml import etree
from lxml import html as lxml_html

COMMENTS_HEADING = "Reader comments"
# trafilatura logs parse trouble at ERROR level; for us a poor page is normal input, not a fault.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
_BLOCKS = {"head", "p", "item", "quote", "code", "row", "cell"}


def extract_html(html: str) -> tuple[str, int | None]:
    """Return (text, offset where reader comments start or None)."""
    if "<body" not in html[:4096].lower():
        html = f"<html><body>{html}</body></html>"  # a fragment, as JSONL dumps often hold
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


def _blocks(element: etree._Element | None) -> list[str]:
    """One block per heading or paragraph; the items of one list (rows of one table) share a block,
    one per line, so that "Conditions we treat:" and its items can be read together."""
    if element is None:
        return []
    blocks: list[str] = []
    last_parent: etree._Element | None = None
    for node in element.iter():
        if node.tag not in _BLOCKS or _inside_block(node, element):
            continue
        if node.tag == "row":
            cells = [" ".join("".join(c.itertext()).split()) for c in node]
            text = " | ".join(c for c in cells if c)
        else:
            text = " ".join("".join(node.itertext()).split())
        if not text:
            continue
        parent = node.getparent()
        if node.tag in ("item", "row") and blocks and parent is last_parent:
            blocks[-1] += "\n" + text
        else:
            blocks.append(text)
        last_parent = parent if node.tag in ("item", "row") else None
    return blocks


def _inside_block(node: etree._Element, top: etree._Element) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not top:
        if parent.tag in _BLOCKS:
            return True
        parent = parent.getparent()
    return False


def _fallback(html: str) -> str:
    """Very short or unusual pages, where trafilatura finds no main text: keep all visible text.

    Deeply nested markup (beyond libxml2's default depth) defeats trafilatura; lxml with huge_tree
    still reads it, so a page cannot hide its claims inside 300 nested <div>s.
    """
    text = trafilatura.html2txt(html) or ""
    if text.strip():
        return text
    try:
        root = lxml_html.fromstring(html, parser=lxml_html.HTMLParser(huge_tree=True, remove_comments=True))
    except (etree.ParserError, ValueError):
        return ""
    for element in root.iter("script", "style", "noscript", "template"):
        element.drop_tree()
    return "\n".join(line.strip() for line in root.text_content().splitlines() if line.strip())
