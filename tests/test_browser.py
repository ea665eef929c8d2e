"""claimcheck.browser against a local server on 127.0.0.1: DOM after scripts, bounds, kills. Skipped without
Chromium; one browser is shared by the module (a start costs about a second)."""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimcheck.browser import Browser, RenderError, find_browser, require_browser
from claimcheck.browser.process import running_in_group
from claimcheck.errors import ClaimcheckError
from tests.audit.site import FixtureSite, Routes

needs_chromium = pytest.mark.skipif(find_browser() is None, reason="no Chromium (apt-get install chromium)")


def routes(version: int) -> Routes:
    text = {"Content-Type": "text/plain"}
    return {
        "/late": (200, text, b"written after a late answer", 0.4),
        "/never": (200, text, b"too late", 20.0),  # headers at once, the body never in time
    }


@pytest.fixture(scope="module")
def site() -> Iterator[FixtureSite]:
    served = FixtureSite(routes)
    yield served
    served.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if find_browser() is None:
        pytest.skip("no Chromium (apt-get install chromium)")
    with Browser(timeout=15, max_bytes=100_000) as shared:
        yield shared


def gone(group: int, profile: str) -> bool:
    return not running_in_group(group) and not Path(profile).exists()


def test_no_browser_on_path_is_one_clear_line(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_browser() is None
    with pytest.raises(ClaimcheckError, match=r"^--screenshots needs Chromium: apt-get install chromium$"):
        require_browser("--screenshots")


def fake_browser(tmp_path: Path, script: str) -> str:
    path = tmp_path / "fake-chromium"
    path.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def test_a_browser_that_dies_or_hangs_at_start_fails_the_page_only(tmp_path: Path, monkeypatch) -> None:
    with (
        Browser(fake_browser(tmp_path, "exit 1")) as dead,
        pytest.raises(RenderError, match="browser stopped"),
    ):
        dead.page("http://127.0.0.1:9/").__enter__()
    import claimcheck.browser.process as module

    started: list[tuple[int, str]] = []
    spawn = module._spawn

    def recording(argv: list[str], **kwargs):
        process = spawn(argv, **kwargs)
        started.append((process.pid, next(a for a in argv if a.startswith("--user-data-dir="))[16:]))
        return process

    monkeypatch.setattr(module, "_spawn", recording)
    monkeypatch.setattr(module, "START_TIMEOUT", 0.5)
    hung = Browser(fake_browser(tmp_path, "sleep 30 & sleep 30"))  # a child too: the whole group must go
    with pytest.raises(RenderError, match=r"did not start within 0\.5 s"):
        hung.page("http://127.0.0.1:9/").__enter__()
    assert hung.process is None and len(started) == 1 and gone(*started[0])


@needs_chromium
def test_dom_is_the_page_after_its_scripts_ran(browser: Browser, site: FixtureSite) -> None:
    body = (
        b"<p>served</p><script>alert('blocks nothing');"
        b"document.body.insertAdjacentHTML('beforeend', '<p>by ' + 'script</p>');"
        b"fetch('/late').then(r => r.text()).then(t => { document.body.insertAdjacentHTML('beforeend', t); });"
        # A hostile page patches what a naive reader would call; the isolated world does not see it.
        b"Object.defineProperty(Element.prototype, 'outerHTML', {get() { return 'lies'; }});</script>"
    )
    with browser.page(site.url + "page", body=body) as tab:
        dom = tab.dom()
    assert b"<p>served</p>" in dom.html and b"<p>by script</p>" in dom.html
    assert b"written after a late answer" in dom.html  # fetched after the load event: the quiet-network wait
    assert not dom.truncated and dom.rendered_at.endswith("+00:00")


@needs_chromium
def test_dom_is_cut_at_the_byte_cap(browser: Browser, site: FixtureSite, monkeypatch) -> None:
    monkeypatch.setattr(browser, "max_bytes", 1000)
    body = "<p>é</p><script>document.body.append('ü'.repeat(5000))</script>".encode()
    with browser.page(site.url + "big", body=body) as tab:
        dom = tab.dom()
    assert dom.truncated and len(dom.html) <= 1000
    dom.html.decode("utf-8", "ignore")


@needs_chromium
def test_screenshot_is_the_full_page(browser: Browser, site: FixtureSite, tmp_path: Path) -> None:
    body = b"<body style='margin:0'><div style='height:3000px;background:#c00'>tall</div></body>"
    with browser.page(site.url + "tall", body=body) as tab:
        shot = tab.screenshot(tmp_path / "shots" / "tall.png")
    png = shot.path.read_bytes()
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert png.startswith(b"\x89PNG") and (width, height) == (1280, 3000)
    assert shot.sha256 == hashlib.sha256(png).hexdigest() and not shot.cut


@needs_chromium
def test_a_page_that_never_loads_times_out_and_the_browser_is_killed(
    browser: Browser, site: FixtureSite, monkeypatch
) -> None:
    monkeypatch.setattr(browser, "timeout", 1.5)
    body = b"<p>waiting</p><script src='/never'></script>"
    with browser.page(site.url + "first", body=b"<p>first</p>"):
        assert browser.process is not None and browser.profile is not None
        pid, profile = browser.process.pid, browser.profile
    with (
        pytest.raises(RenderError, match=r"did not finish loading within 1\.5 s"),
        browser.page(site.url + "stuck", body=body),
    ):
        pass
    assert browser.process is None and gone(pid, profile)
    monkeypatch.undo()
    starts = browser.starts
    with browser.page(site.url + "next", body=b"<p>next</p>") as tab:  # a fresh browser takes over
        assert b"next" in tab.dom().html
    assert browser.starts == starts + 1


@needs_chromium
def test_ctrl_c_and_a_crash_kill_the_browser_and_remove_its_profile(
    browser: Browser, site: FixtureSite
) -> None:
    with pytest.raises(KeyboardInterrupt), browser.page(site.url + "a", body=b"<p>a</p>"):
        assert browser.process is not None and browser.profile is not None
        pid, profile = browser.process.pid, browser.profile
        raise KeyboardInterrupt
    assert gone(pid, profile)
    with browser.page(site.url + "b", body=b"<p>b</p>") as tab:
        assert browser.process is not None and browser.profile is not None
        pid, profile = browser.process.pid, browser.profile
        os.kill(pid, 9)  # the browser dies under us
        with pytest.raises(RenderError, match="the browser stopped"):
            tab.dom()
    assert gone(pid, profile)
