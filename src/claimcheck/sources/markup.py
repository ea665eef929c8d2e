"""Hostile markup bounded before extraction, text kept.

Two traps in real and crafted pages: nesting thousands of levels deep (libxml2 silently drops what lies
deeper than 256, or 2048 with huge_tree, levels, and trafilatura slows down with depth) and rows of
thousands of empty table cells (trafilatura's padding-cell check is quadratic in them). Elements deeper
than MAX_DEPTH are unwrapped into their text; runaway empty cells are dropped. A page that needs neither,
nearly every page, goes to trafilatura untouched.
"""

from __future__ import annotations

import re
from collections import Counter

from lxml import etree

MAX_DEPTH = 128  # element levels kept; real pages stay well under 60
PARSER_LIMIT = 250  # libxml2 drops what lies deeper than 256 levels (2048 with huge_tree)
MAX_EMPTY_CELLS = 100  # empty cells in one row (or table) beyond which they are dropped
_VOID = frozenset(
    "area base br col embed hr img input keygen link meta param source track wbr basefont frame isindex".split()
)
_RAW_TEXT = frozenset("script style textarea title xmp noscript template iframe noembed noframes".split())
_INLINE = frozenset(
    "a abbr b big cite code del em font i ins kbd label mark q s small span strong sub sup tt u".split()
)
_CLOSES_ITSELF = frozenset("li p td th tr dt dd option".split())  # "<li>a<li>b": the second closes the first
_NOT_TEXT = ("script", "style", "noscript", "template")
_BLOCKS = tuple(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr "
    "li main nav ol p pre section table td th tr ul".split()
)
_TAG = re.compile(r"<(/?)([a-zA-Z][^\s/>]*)[^>]*>|<!--")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def bounded_html(html: str) -> str | None:
    """The page with nesting and runaway empty cells bounded, or None when it needs no change."""
    tree = parse(html)
    if tree is None:
        return None
    changed = False
    if _deeper_than(tree, PARSER_LIMIT):
        # Bound the tags in the string first: libxml2 may have dropped what lay past its own limit.
        capped = parse(cap_tag_depth(html, MAX_DEPTH))
        tree = tree if capped is None else capped
        changed = True
    changed |= _flatten(tree)
    changed |= _drop_empty_cells(tree)
    return etree.tostring(tree, method="html", encoding="unicode") if changed else None


def parse(html: str) -> etree._Element | None:
    """libxml2's HTML parser with huge_tree (2048 levels, not 256); plain elements, which lxml.html's
    class look-up would slow down by a Python call per element."""
    try:
        parser = etree.HTMLParser(huge_tree=True)  # one per call: a parser is not shared between threads
        return etree.fromstring(_XML_DECLARATION.sub("", html, count=1), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


def drop(element: etree._Element) -> None:
    """Remove an element and what it holds, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _deeper_than(tree: etree._Element, depth: int) -> bool:
    # A path of `depth + 1` steps visits each level once: linear, where counting ancestors is quadratic.
    return bool(tree.xpath("boolean(" + "/*" * (depth + 1) + ")"))


def _flatten(tree: etree._Element) -> bool:
    """Unwrap everything below MAX_DEPTH into text; block ends become line breaks, scripts go."""
    deep = tree.xpath("/*" * MAX_DEPTH + "[*]")
    for element in deep:
        for junk in list(element.iterdescendants(*_NOT_TEXT)):
            drop(junk)
        for block in element.iterdescendants(*_BLOCKS):
            block.text = "\n" + (block.text or "")
            block.tail = "\n" + (block.tail or "")
        etree.strip_tags(element, "*")
    return bool(deep)


def _drop_empty_cells(tree: etree._Element) -> bool:
    empty = "td[not(*) and not(normalize-space())]"
    cells = tree.xpath(f"//*[count({empty}) > {MAX_EMPTY_CELLS}]/{empty}")
    for cell in cells:
        drop(cell)
    return bool(cells)


def cap_tag_depth(html: str, max_depth: int) -> str:
    """Drop start and end tags nested deeper than `max_depth`, keeping the text between them.

    A tag-level model of the parser's stack: void and self-closing tags are not pushed, an end tag closes
    the nearest open element of its name (a stray one is ignored), `<li>` closes an open `<li>` on top,
    and script-like elements are skipped whole (dropped, with their content, when too deep).
    """
    out: list[str] = []
    names: list[str] = []  # the open elements, innermost last; the first `max_depth` are kept
    open_count: Counter[str] = Counter()
    emitted = 0  # html[:emitted] is in `out`
    skip_until = 0  # inside a comment or a script-like element
    for match in _TAG.finditer(html):
        start = match.start()
        if start < skip_until:
            continue
        closing, name = match.group(1, 2)
        if name is None:  # a comment, kept as it is
            end = html.find("-->", start + 4)
            skip_until = len(html) if end < 0 else end + 3
            continue
        name = name.lower()
        if closing:
            if not open_count[name]:
                continue  # a stray end tag: the parser ignores it, so does the count
            kept = _pop_to(name, names, open_count) < max_depth
        else:
            if name in _CLOSES_ITSELF and names and names[-1] == name:
                _pop_to(name, names, open_count)
            kept = len(names) < max_depth
            if name in _RAW_TEXT:
                end_tag = re.compile(rf"</{re.escape(name)}\s*>", re.IGNORECASE).search(html, match.end())
                skip_until = len(html) if end_tag is None else end_tag.end()
                if not kept:  # too deep: dropped with its content, which is code, not text
                    out.append(html[emitted:start])
                    emitted = skip_until
                continue
            if name not in _VOID and html[match.end() - 2] != "/":
                names.append(name)
                open_count[name] += 1
        if not kept:
            out.append(html[emitted:start])
            out.append("" if name in _INLINE else " ")
            emitted = match.end()
    out.append(html[emitted:])
    return "".join(out)


def _pop_to(name: str, names: list[str], open_count: Counter[str]) -> int:
    """Close the innermost open `name` and what it holds; return the depth it was at."""
    while True:
        popped = names.pop()
        open_count[popped] -= 1
        if popped == name:
            return len(names)
