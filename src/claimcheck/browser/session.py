"""A headless Chromium session: one browser for a run (`Browser`) and its tabs (`Tab`): load a page, wait
for it to settle, take its DOM and a full-page screenshot, each within a deadline.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimcheck.browser import process as chromium  # module attributes: tests stand in for _spawn
from claimcheck.browser.process import (
    _ON_PIPE,
    HEADLESS_FLAGS,
    IDLE_MAX,
    MAX_SHOT_HEIGHT,
    SETTLE_MS,
    WINDOW,
    RenderError,
    _Deadline,
    _Expired,
    _kill,
    _Pipe,
    now_utc,
    require_browser,
)


@dataclass(frozen=True)
class Rendered:
    html: bytes  # the DOM after scripts ran, UTF-8, at most max_bytes
    truncated: bool
    rendered_at: str


@dataclass(frozen=True)
class Shot:
    path: Path
    sha256: str
    taken_at: str
    cut: bool  # the page was taller than MAX_SHOT_HEIGHT


class Browser:
    """One headless Chromium for a run; `page()` opens a tab on a URL. Use as a context manager."""

    def __init__(
        self,
        executable: str | None = None,
        *,
        timeout: float = 20.0,
        max_bytes: int = 10 * 1024 * 1024,
        settle_ms: int = SETTLE_MS,
        idle_max: float = IDLE_MAX,
        user_agent: str | None = None,
    ) -> None:
        self.executable = executable or require_browser()
        self.timeout, self.max_bytes, self.user_agent = timeout, max_bytes, user_agent
        self.settle_ms, self.idle_max = settle_ms, idle_max
        self.process: subprocess.Popen[bytes] | None = None
        self.pipe: _Pipe | None = None
        self.profile: str | None = None
        self.starts = 0  # how many processes this Browser has started (restarts after a timeout)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Kill the process group and remove the profile; the next page() starts a fresh browser."""
        if self.process is not None:
            _kill(self.process)
        if self.pipe is not None:
            self.pipe.close()
        if self.profile is not None:
            shutil.rmtree(self.profile, ignore_errors=True)
        self.process = self.pipe = self.profile = None

    def _start(self) -> _Pipe:
        """The running browser, or a fresh one (after a kill, a crash, or the first time)."""
        if self.pipe is not None and self.process is not None and self.process.poll() is None:
            return self.pipe
        self.close()
        self.profile = tempfile.mkdtemp(prefix="claimcheck-chrome-")
        to_browser, from_us = os.pipe()
        to_us, from_browser = os.pipe()
        argv = ["/bin/sh", "-c", _ON_PIPE, self.executable, *HEADLESS_FLAGS]
        argv += [f"--user-data-dir={self.profile}", "--remote-debugging-pipe", "--hide-scrollbars"]
        argv += [f"--window-size={WINDOW[0]},{WINDOW[1]}", "about:blank"]
        try:
            self.process = chromium._spawn(
                argv, stdin=to_browser, stdout=from_browser, stderr=subprocess.DEVNULL
            )
        finally:
            os.close(to_browser)
            os.close(from_browser)
        self.starts += 1
        self.pipe = _Pipe(from_us, to_us, max_message=4 * self.max_bytes + (128 << 20))
        # A browser that cannot start fails this page only (RenderError); the next page tries again.
        self.call(
            "Browser.getVersion", deadline=_Deadline(chromium.START_TIMEOUT, "the browser did not start")
        )
        return self.pipe

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session: str | None = None,
        deadline: _Deadline,
        tab: Tab | None = None,
    ) -> dict[str, Any]:
        """Send one command and wait for its answer; events that arrive meanwhile go to `tab`.
        Any failure kills the browser (a stuck page may hold it); the next page() starts a fresh one."""
        pipe = self.pipe
        if pipe is None:
            raise RenderError("the browser is not running")
        try:
            wanted = pipe.send(method, params or {}, session, deadline)
            while True:
                message = pipe.receive(deadline)
                if message.get("id") == wanted:
                    if "error" in message:
                        error = message["error"]
                        reason = error.get("message") if isinstance(error, dict) else None
                        raise RenderError(f"{method}: {reason or 'failed'}")
                    result = message.get("result")
                    return result if isinstance(result, dict) else {}
                if tab is not None and message.get("sessionId") == tab.session and "method" in message:
                    tab.on_event(message["method"], message.get("params") or {}, deadline)
        except BaseException:
            self.close()
            raise

    @contextlib.contextmanager
    def page(self, url: str, *, body: bytes | None = None, content_type: str = "text/html") -> Iterator[Tab]:
        """A tab showing `url` after its load event. With `body`, the page's own document is served from
        those bytes (what the crawler fetched) and only its scripts, styles and images come from the web.
        A timeout or a browser fault kills the browser (a stuck page may hold it) and raises RenderError."""
        self._start()
        tab = Tab(self, url, body, content_type)
        try:
            tab.load()
            yield tab
        except BaseException:  # a timeout, a dead browser or Ctrl-C: kill it now, a later page restarts it
            self.close()
            raise
        tab.close()


class Tab:
    """One page in the browser, attached with a flat session."""

    def __init__(self, browser: Browser, url: str, body: bytes | None, content_type: str) -> None:
        self.browser, self.url, self.body, self.content_type = browser, url, body, content_type
        self.session: str | None = None
        self.target: str | None = None
        self.world: int | None = None  # an isolated JS world: the page's own scripts cannot patch it
        self.loaded = False
        self.in_flight: set[str] = set()  # network request ids
        self.last_activity = time.monotonic()

    def _call(self, method: str, params: dict[str, Any] | None, deadline: _Deadline) -> dict[str, Any]:
        return self.browser.call(method, params, session=self.session, deadline=deadline, tab=self)

    def _send(self, method: str, params: dict[str, Any], deadline: _Deadline) -> None:
        if self.browser.pipe is not None:
            self.browser.pipe.send(method, params, self.session, deadline)

    def load(self) -> None:
        deadline = _Deadline(self.browser.timeout, "the page did not finish loading")
        made = self.browser.call("Target.createTarget", {"url": "about:blank"}, deadline=deadline)
        self.target = str(made.get("targetId"))
        attached = self.browser.call(
            "Target.attachToTarget", {"targetId": self.target, "flatten": True}, deadline=deadline
        )
        self.session = str(attached.get("sessionId"))
        self._call("Page.enable", None, deadline)
        self._call("Network.enable", None, deadline)
        # One request less per page; and the page's scripts and images are fetched under our name too.
        self._call("Network.setBlockedURLs", {"urls": ["*/favicon.ico"]}, deadline)
        if self.browser.user_agent:
            self._call("Network.setUserAgentOverride", {"userAgent": self.browser.user_agent}, deadline)
        width, height = WINDOW
        metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
        self._call("Emulation.setDeviceMetricsOverride", metrics, deadline)
        if self.body is not None:
            pattern = {"urlPattern": "*", "resourceType": "Document", "requestStage": "Request"}
            self._call("Fetch.enable", {"patterns": [pattern]}, deadline)
        navigated = self._call("Page.navigate", {"url": self.url}, deadline)
        if navigated.get("errorText"):
            raise RenderError(f"the browser could not load it ({navigated['errorText']})")
        while not self.loaded:
            self._pump(deadline)
        self._settle(deadline)
        frame = self._call("Page.getFrameTree", None, deadline).get("frameTree", {}).get("frame", {})
        world = self._call(
            "Page.createIsolatedWorld", {"frameId": frame.get("id"), "worldName": "cc"}, deadline
        )
        self.world = world.get("executionContextId")

    def _settle(self, deadline: _Deadline) -> None:
        """Wait until no request has been in flight for settle_ms, at most idle_max s (never an error)."""
        quiet = self.browser.settle_ms / 1000
        try:
            cap = _Deadline(min(self.browser.idle_max, deadline.left()), "settled")
            while True:
                idle_for = time.monotonic() - self.last_activity
                if not self.in_flight and idle_for >= quiet:
                    return
                wait = quiet if self.in_flight else quiet - idle_for
                with contextlib.suppress(_Expired):
                    self._pump(_Deadline(min(wait, cap.left()), "quiet"))
        except _Expired:  # cap.left(): the page keeps talking; take it as it is now
            return

    def _pump(self, deadline: _Deadline) -> None:
        """Handle one message from the browser (an event for this tab, or an answer nobody waits for)."""
        pipe = self.browser.pipe
        if pipe is None:
            raise RenderError("the browser stopped")
        message = pipe.receive(deadline)
        if message.get("sessionId") == self.session and "method" in message:
            self.on_event(message["method"], message.get("params") or {}, deadline)

    def on_event(self, method: str, params: dict[str, Any], deadline: _Deadline) -> None:
        if method == "Page.loadEventFired":
            self.loaded = True
        elif method == "Network.requestWillBeSent":
            self.in_flight.add(str(params.get("requestId")))
            self.last_activity = time.monotonic()
        elif method in ("Network.loadingFinished", "Network.loadingFailed"):
            self.in_flight.discard(str(params.get("requestId")))
            self.last_activity = time.monotonic()
        elif method == "Page.javascriptDialogOpening":  # alert() would block the page for ever
            self._send("Page.handleJavaScriptDialog", {"accept": False}, deadline)
        elif method == "Fetch.requestPaused":
            request_id = params.get("requestId")
            if self.body is not None:  # the first document asked for is the page itself
                body, self.body = self.body, None
                headers = [{"name": "Content-Type", "value": self.content_type}]
                self._send(
                    "Fetch.fulfillRequest",
                    {
                        "requestId": request_id,
                        "responseCode": 200,
                        "responseHeaders": headers,
                        "body": base64.b64encode(body).decode("ascii"),
                    },
                    deadline,
                )
            else:  # frames inside the page load from the web as usual
                self._send("Fetch.continueRequest", {"requestId": request_id}, deadline)

    def dom(self) -> Rendered:
        """The document as scripts left it, serialised, cut at the browser's byte cap."""
        cap = self.browser.max_bytes
        deadline = _Deadline(self.browser.timeout, "the DOM was not read")
        script = (
            "(() => { const e = document.documentElement; const h = e ? e.outerHTML : '';"
            f" return [h.length, h.slice(0, {cap})]; }})()"
        )
        params = {"expression": script, "returnByValue": True, "contextId": self.world}
        value = (self._call("Runtime.evaluate", params, deadline).get("result") or {}).get("value")
        length, html = value if isinstance(value, list) and len(value) == 2 else (0, "")
        data = str(html).encode("utf-8", "replace")
        truncated = int(length or 0) > cap or len(data) > cap
        return Rendered(html=data[:cap], truncated=truncated, rendered_at=now_utc())

    def screenshot(self, path: Path) -> Shot:
        """A full-page PNG (cut at MAX_SHOT_HEIGHT px) written to `path`, with its SHA-256 and UTC time."""
        deadline = _Deadline(self.browser.timeout, "the screenshot was not taken")
        size = self._call("Page.getLayoutMetrics", None, deadline).get("cssContentSize") or {}
        width = max(1, min(int(size.get("width") or WINDOW[0]), 4 * WINDOW[0]))
        full = int(size.get("height") or WINDOW[1])
        height = max(1, min(full, MAX_SHOT_HEIGHT))
        clip = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
        params = {"format": "png", "captureBeyondViewport": True, "clip": clip}
        taken_at = now_utc()
        png = base64.b64decode(self._call("Page.captureScreenshot", params, deadline).get("data") or "")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
        return Shot(path, hashlib.sha256(png).hexdigest(), taken_at, cut=full > MAX_SHOT_HEIGHT)

    def close(self) -> None:
        if self.target is None or self.browser.pipe is None:
            return
        with contextlib.suppress(RenderError):
            deadline = _Deadline(5.0, "the tab did not close")
            self.browser.call("Target.closeTarget", {"targetId": self.target}, deadline=deadline)
        self.target = None
