"""Hostile inputs from issue 8: deep nesting, corrupt WARC stretches, UTF-16/32 pages, tagless .html
files, odd folder entries. Each test reproduces one reported failure."""

from __future__ import annotations

import gzip
import json
import os
import socket
import threading
import time
from pathlib import Path

import pytest

from claimcheck.sources import Document, iter_documents, prepare
from claimcheck.sources import inputs as inputs_module
from claimcheck.sources.html import extract_html
from claimcheck.sources.markup import MAX_DEPTH, cap_tag_depth

CLAIM = "Our stem cell pills have no side effects."


def html_text(html: str) -> str:
    return prepare(Document(id="x", source="x", raw=html.encode(), kind="html")).text


def timed_text(html: str) -> tuple[str, float]:
    start = time.perf_counter()
    text = html_text(html)
    return text, time.perf_counter() - start


# 1 and 4: deep nesting neither stalls extraction nor hides the claim.

DEEP_PAGES = {
    "table cells": "<table>" + "<td>" * 10_000 + CLAIM + "</td>" * 10_000 + "</table>",
    "nested tables": "<table><tr><td>" * 3_000 + CLAIM + "</td></tr></table>" * 3_000,
    "inline tags": "<p>" + "<span>" * 10_000 + CLAIM + "</span>" * 10_000 + "</p>",
    "lists": "<ul><li>" * 3_000 + CLAIM + "</li></ul>" * 3_000,
    "divs": "<div>" * 10_000 + CLAIM + "</div>" * 10_000,
    "stray end tags": "<p>" + "<b></i>" * 5_000 + CLAIM + "</b>" * 5_000 + "</p>",
}


@pytest.mark.parametrize("body", DEEP_PAGES.values(), ids=DEEP_PAGES.keys())
def test_deep_nesting_keeps_the_claim_and_stays_fast(body: str) -> None:
    text, seconds = timed_text(f"<html><body><h1>Our clinic</h1>{body}</body></html>")
    assert CLAIM in text
    assert seconds < 10  # a guard against the reported stall (40 s and more), not a benchmark


def test_deep_scripts_stay_code_not_text() -> None:
    body = "<div>" * 5_000 + "<script>var tracking = 'hidden code';</script>" + CLAIM + "</div>" * 5_000
    text = html_text(f"<html><body>{body}</body></html>")
    assert CLAIM in text and "hidden code" not in text


def test_text_beyond_the_depth_limit_keeps_its_line_breaks() -> None:
    items = "".join(f"<li>Condition number {n} treated with our cells.</li>" for n in range(3))
    html = "<html><body>" + "<div>" * (MAX_DEPTH + 20) + f"<ul>{items}</ul>" + "</div>" * (MAX_DEPTH + 20)
    text = html_text(html + "</body></html>")
    assert "number 0 treated with our cells. Condition number 1" in text.replace("\n", " ")


def test_capping_tag_depth_keeps_shallow_markup_as_it_is() -> None:
    html = "<div><p>One <b>bold</b> word.</p><!-- <div><div> --><script>if (a<b) {}</script><br/></div>"
    assert cap_tag_depth(html, 3) == html
    assert cap_tag_depth("<b><i><u>x</u></i></b>", 2) == "<b><i>x</i></b>"


def test_ordinary_pages_go_to_the_extractor_untouched() -> None:
    from claimcheck.sources.markup import bounded_html

    assert bounded_html("<html><body>" + "<div>" * 50 + "<p>Hello.</p>" + "</div>" * 50) is None


# 4: pages whose claims were "no text to check".


def test_a_html_file_with_plain_text_is_read_as_text() -> None:
    raw = f"Welcome to our clinic.\n\n{CLAIM}\nCall us today.".encode()
    text = prepare(Document(id="a.html", source="a.html", raw=raw, kind="html")).text
    assert CLAIM in text and "\n\n" in text


def test_text_outside_any_paragraph_is_kept() -> None:
    text, _ = extract_html(f"<html><body>Our clinic in the city centre. {CLAIM}</body></html>")
    assert CLAIM in text


# 3: UTF-16 and UTF-32 pages are text, not "binary data".

PAGE = f"<html><body><p>Bienvenidos. {CLAIM} ¡Sin riesgos!</p></body></html>"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_wide_encodings_with_or_without_bom(encoding: str) -> None:
    raw = PAGE.encode(encoding)  # "utf-16" and "utf-32" write a BOM, the -le/-be forms do not
    assert CLAIM in prepare(Document(id="x", source="x", raw=raw, kind="html")).text
    assert CLAIM in prepare(Document(id="x", source="x", raw=CLAIM.encode(encoding))).text


def test_a_wide_page_cut_at_the_cap_inside_a_character_still_reads() -> None:
    raw = PAGE.encode("utf-16-le")[:-1]
    text = prepare(Document(id="x", source="x", raw=raw, kind="html", truncated=True)).text
    assert CLAIM in text


def test_binary_with_regular_nul_bytes_is_still_binary() -> None:
    for raw in (b"\x00\xff" * 50, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, bytes(400)):
        with pytest.raises(Exception, match="binary"):
            prepare(Document(id="x", source="x", raw=raw))


# 2: one corrupt record loses nothing after it.


def warc_record(n: int, *, length_delta: int = 0, body: str | None = None) -> bytes:
    page = body if body is not None else f"<html><body><p>Page {n}. {CLAIM}</p></body></html>"
    http = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{page}".encode()
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:rec-{n}>\r\n"
        f"WARC-Target-URI: https://clinic.example/p{n}\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http) + length_delta}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


def read_warc(path: Path) -> tuple[list[str], list[str]]:
    """(record ids read, skip reasons), in order."""
    documents = list(iter_documents([str(path)]))
    good = [d.source.rsplit("rec-", 1)[-1] for d in documents if d.error is None]
    return good, [d.error or "" for d in documents if d.error is not None]


def corrupt_member(n: int) -> bytes:
    member = bytearray(gzip.compress(warc_record(n)))
    member[20:40] = bytes(20)  # inside the deflate stream: the header still looks like gzip
    return bytes(member)


def test_a_corrupt_gzip_member_in_the_middle_loses_only_itself(tmp_path: Path) -> None:
    members = [gzip.compress(warc_record(n)) for n in range(5)]
    bad_offset = len(members[0]) + len(members[1])
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(b"".join(members[:2]) + corrupt_member(2) + b"".join(members[3:]))
    good, skipped = read_warc(path)
    assert good == ["0", "1", "3", "4"]
    assert len(skipped) == 1 and f"after offset {bad_offset} " in skipped[0]


def test_adjacent_bad_members_and_garbage_are_one_skip(tmp_path: Path) -> None:
    members = [gzip.compress(warc_record(n)) for n in range(4)]
    junk = corrupt_member(1) + b"not a gzip member at all" * 20 + corrupt_member(2)
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(members[0] + junk + members[3])
    good, skipped = read_warc(path)
    assert good == ["0", "3"] and len(skipped) == 1
    assert f"after offset {len(members[0])} " in skipped[0]
    assert f"up to offset {len(members[0]) + len(junk)}" in skipped[0]


def test_a_truncated_last_member_is_one_skip_to_the_end(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(gzip.compress(warc_record(0)) + gzip.compress(warc_record(1))[:30])
    good, skipped = read_warc(path)
    assert good == ["0"] and len(skipped) == 1 and "to the end of the file" in skipped[0]


@pytest.mark.parametrize("delta", [300, -10, 100_000], ids=["too long", "too short", "past the end"])
def test_a_wrong_content_length_never_swallows_records(tmp_path: Path, delta: int) -> None:
    records = [warc_record(n) for n in range(5)]
    records[1] = warc_record(1, length_delta=delta, body="<p>" + "A short page. " * 10 + "</p>")
    path = tmp_path / "crawl.warc"
    path.write_bytes(b"".join(records))
    good, skipped = read_warc(path)
    assert good == ["0", "2", "3", "4"]
    assert len(skipped) == 1 and f"after offset {len(records[0])} " in skipped[0]
    assert "Content-Length" in skipped[0]


def test_plain_warc_with_garbage_between_records_resumes(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    path.write_bytes(warc_record(0) + b"\x00\x01garbage\nWARC/2 nope\n" * 5 + warc_record(1) + warc_record(2))
    good, skipped = read_warc(path)
    assert good == ["0", "1", "2"] and len(skipped) == 1


# 5: every entry gets exactly one report.


@pytest.fixture()
def odd_folder(tmp_path: Path) -> tuple[Path, int]:
    """A folder with good files and every odd kind of entry; returns it and the number of entries."""
    folder = tmp_path / "site"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(CLAIM)
    (folder / "sub" / "b.html").write_text(f"<p>{CLAIM}</p>")
    (folder / "dangling.txt").symlink_to(folder / "missing.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "to-sub").symlink_to(folder / "sub")
    (folder / "to-a.txt").symlink_to(folder / "a.txt")
    os.mkfifo(folder / "pipe.txt")
    entries = 7
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(folder / "sock"))
    entries += 1
    try:
        os.mknod(folder / "null", 0o600 | 0o020000, os.makedev(1, 3))  # a character device
        entries += 1
    except OSError:  # not root, or no CAP_MKNOD: the device case is left out
        pass
    lines = [json.dumps({"id": "j1", "text": CLAIM}), "{not json", "[1, 2]", json.dumps({"id": "j4"}), ""]
    (folder / "docs.jsonl").write_text("\n".join(lines) + "\n")  # 4 documents: the blank line is none
    entries += 4
    members = [gzip.compress(warc_record(n)) for n in range(4)]
    (folder / "crawl.warc.gz").write_bytes(members[0] + corrupt_member(1) + members[2] + members[3])
    entries += 4  # three records and the corrupt one
    return folder, entries


def documents_within(folder: Path, seconds: float = 60) -> list[Document]:
    """Read the folder in a thread: opening the FIFO would block forever, which must fail, not hang."""
    found: list[Document] = []
    reader = threading.Thread(target=lambda: found.extend(iter_documents([str(folder)])), daemon=True)
    reader.start()
    reader.join(seconds)
    assert not reader.is_alive(), "reading the folder blocked (a FIFO opened?)"
    return found


def test_every_folder_entry_gets_exactly_one_report(odd_folder: tuple[Path, int]) -> None:
    folder, entries = odd_folder
    documents = documents_within(folder)
    assert len(documents) == entries
    assert len({d.source for d in documents}) == entries
    errors = {Path(d.source).name: d.error for d in documents if d.error and "@" not in d.source}
    assert "dangling" in errors["dangling.txt"] and "loop" in errors["loop.txt"]
    assert "FIFO" in errors["pipe.txt"] and "socket" in errors["sock"] and "folder" in errors["to-sub"]
    assert "null" not in errors or "device" in errors["null"]
    readable = {Path(d.source).name for d in documents if d.error is None and "#" not in d.source}
    assert {"a.txt", "b.html", "to-a.txt"} <= readable


def test_scan_reports_every_entry_once(cli, odd_folder: tuple[Path, int]) -> None:
    folder, entries = odd_folder
    result = cli("scan", "--no-model", str(folder), "--format", "jsonl", "--jobs", "1", "--no-progress")
    reports = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(reports) == entries and result.exit_code == 1
    assert sum(r["verdict"] == "skipped" for r in reports) == entries - 7  # 7 readable documents


def test_an_unlistable_folder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "a.txt").write_text(CLAIM)
    real_scandir = os.scandir

    def scandir(path):  # root can list a mode-000 folder, so the refusal is simulated
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(inputs_module.os, "scandir", scandir)
    documents = list(iter_documents([str(tmp_path)]))
    assert [Path(d.source).name for d in documents] == ["a.txt", "locked"]
    assert "cannot list the folder" in (documents[1].error or "")


def test_an_overlong_jsonl_line_is_one_skip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inputs_module, "MAX_FILE_BYTES", 200)
    path = tmp_path / "docs.jsonl"
    long_line = json.dumps({"text": "word " * 500})
    path.write_text("\n".join([json.dumps({"text": CLAIM}), long_line, json.dumps({"text": CLAIM})]) + "\n")
    documents = list(iter_documents([str(path)]))
    assert [d.error is None for d in documents] == [True, False, True]
    assert "line 2: longer than" in (documents[1].error or "")
