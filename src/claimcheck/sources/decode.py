"""Bytes to text: a BOM or the NUL pattern of UTF-16/32, then UTF-8, then the declared charset, then
detection (charset-normalizer)."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from claimcheck.errors import InputError

_CONTROL = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])
SNIFF_BYTES = 4096
# UTF-32 first: its little-endian BOM starts with the UTF-16 one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
WIDE_NUL_SHARE = 0.9  # text in a wide encoding: nearly every high byte of a code unit is NUL


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first KBs: an image, a PDF, an archive, junk."""
    head = data[:SNIFF_BYTES]
    if not head:
        return False
    if b"\x00" in head:
        return True
    control = len(head) - len(head.translate(None, _CONTROL))  # counted in C, not byte by byte
    return control / len(head) > 0.05


def wide_encoding(data: bytes) -> tuple[str, int] | None:
    """(codec, BOM length) for UTF-16/32 text, from its BOM or, without one, from where the NULs fall:
    ASCII-heavy UTF-16LE has a NUL at every odd byte, UTF-32LE at three bytes of every four."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return (codec, len(bom)) if codec != "utf-8" else None
    head = data[: SNIFF_BYTES - SNIFF_BYTES % 4]
    if len(head) < 4 or b"\x00" not in head:
        return None
    for width, codec, nul_at in (
        (4, "utf-32-le", (1, 2, 3)),
        (4, "utf-32-be", (0, 1, 2)),
        (2, "utf-16-le", (1,)),
        (2, "utf-16-be", (0,)),
    ):
        usable = head[: len(head) - len(head) % width]
        units = len(usable) // width
        if units and all(usable[i::width].count(0) >= WIDE_NUL_SHARE * units for i in nul_at):
            return (codec, 0) if _mostly_ascii(usable.decode(codec, "replace")) else None
    return None


def _mostly_ascii(text: str) -> bool:
    """Wide text found by its NULs is ASCII-heavy by construction; binary with regular NULs is not."""
    printable = sum(1 for char in text if " " <= char <= "~" or char in "\t\n\r")
    return printable >= 0.5 * len(text)


def _decode_wide(data: bytes, codec: str, skip: int, cut: bool) -> str | None:
    body = data[skip:]
    if cut:  # a cap may fall inside a code unit: drop the broken tail
        width = 4 if "32" in codec else 2
        body = body[: len(body) - len(body) % width]
    try:
        text = body.decode(codec, "replace" if cut else "strict")
    except UnicodeDecodeError:
        return None
    return None if looks_binary(text[:SNIFF_BYTES].encode("utf-8", "replace")) else text


def decode(data: bytes, declared: str | None = None, *, cut: bool = False) -> str:
    """`cut`: the bytes stop at a cap, maybe inside a character; that broken tail must not look like
    another encoding to the detector."""
    wide = wide_encoding(data)
    if wide is not None:  # before the binary sniff: UTF-16/32 text is full of NUL bytes
        text = _decode_wide(data, *wide, cut)
        if text is not None:
            return text
    if looks_binary(data):
        raise InputError("binary data, not text or HTML")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if cut and exc.end >= len(data) - 1 and exc.start >= len(data) - 4:
            return data[: exc.start].decode("utf-8-sig", "replace")
    if declared:
        try:
            return data.decode(codecs.lookup(declared).name)
        except (LookupError, UnicodeDecodeError):
            pass
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError("undecodable text: not UTF-8 and no other encoding fits")
    return str(best)
