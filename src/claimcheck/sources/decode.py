"""Bytes to text: UTF-8 first, then the declared charset, then detection (charset-normalizer)."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from claimcheck.errors import InputError

_CONTROL = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])
SNIFF_BYTES = 4096


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first KBs: an image, a PDF, an archive, junk."""
    head = data[:SNIFF_BYTES]
    if not head:
        return False
    if b"\x00" in head:
        return True
    control = len(head) - len(head.translate(None, _CONTROL))  # counted in C, not byte by byte
    return control / len(head) > 0.05


def decode(data: bytes, declared: str | None = None, *, cut: bool = False) -> str:
    """`cut`: the bytes stop at a cap, maybe inside a character; that broken tail must not look like
    another encoding to the detector."""
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
