"""Chromium as a process: finding it, starting it with a DevTools pipe, deadlines on every wait, killing it.

Chromium comes from the system (`apt-get install chromium`); nothing is downloaded. The browser speaks the
DevTools protocol over a pipe (`--remote-debugging-pipe`: JSON messages ended by NUL on the child's fds 3
and 4), so there is no port and no websocket library. Its process runs in its own process group and is
killed with the group.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from claimcheck.errors import ClaimcheckError, InputError

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
INSTALL_HINT = "apt-get install chromium"
# Headless, sandbox and GPU off (we run as root in containers), and no background networking: this machine
# and CI have no network, and a run must not phone home.
HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
WINDOW = (1280, 1000)
MAX_SHOT_HEIGHT = 16_384  # px: taller pages are cut here (Chromium's texture limit is near it)
START_TIMEOUT = 30.0
GROUP_EXIT_WAIT = 5.0  # seconds _kill waits for a killed browser's whole process group to stop
# After the load event, scripts may still fetch and write the page: wait until the network has been quiet
# for SETTLE_MS, for at most IDLE_MAX s (analytics beacons and long polls never go quiet).
SETTLE_MS = 200
IDLE_MAX = 3.0
# The child's fds 3 and 4 must be the pipe; sh moves them there, so no preexec_fn runs in a threaded parent.
_ON_PIPE = 'exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>/dev/null'


class RenderError(InputError):
    """A page could not be rendered (did not load in time, browser stopped, navigation failed)."""


def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def find_browser() -> str | None:
    """The first Chromium on PATH, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_browser(option: str = "--render") -> str:
    found = find_browser()
    if found is None:
        raise ClaimcheckError(f"{option} needs Chromium: {INSTALL_HINT}")
    return found


def _spawn(argv: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(argv, start_new_session=True, **kwargs)  # own group: killed as one


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    # SIGKILL reaches the rest of the group asynchronously: on a loaded machine a helper process could still
    # be running when the caller goes on (and a test looks), so wait for the group, within a bound.
    deadline = time.monotonic() + GROUP_EXIT_WAIT
    while running_in_group(process.pid) and time.monotonic() < deadline:
        time.sleep(0.01)


def running_in_group(group: int) -> list[int]:
    """Processes of a process group that still run (killed ones wait as zombies for init to reap them).

    Linux /proc only: elsewhere nothing is reported, and _kill does not wait."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and fields[2] == str(group) and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def run_headless(browser: str, target: str, *args: str, timeout: float = 120.0, check: bool = True) -> str:
    """One plain headless run on `target` (a URL) with a fresh profile; what it printed (e.g. --dump-dom)."""
    with tempfile.TemporaryDirectory(prefix="claimcheck-chrome-") as profile:
        argv = [browser, *HEADLESS_FLAGS, f"--user-data-dir={profile}", *args, target]
        process = _spawn(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            out, _ = process.communicate(timeout=timeout)
        finally:
            _kill(process)
    if check and process.returncode:
        raise RenderError(f"{target}: the browser exited with code {process.returncode}")
    return out.decode("utf-8", "replace")


class _Expired(RenderError):
    pass


class _Deadline:
    def __init__(self, seconds: float, what: str) -> None:
        self.at, self.seconds, self.what = time.monotonic() + seconds, seconds, what

    def left(self) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise _Expired(f"{self.what} within {self.seconds:g} s")
        return left


class _Pipe:
    """NUL-separated JSON messages to and from the browser, every read and write under a deadline."""

    def __init__(self, write_fd: int, read_fd: int, max_message: int) -> None:
        self.write_fd, self.read_fd, self.max_message = write_fd, read_fd, max_message
        os.set_blocking(write_fd, False)
        self.buffer = bytearray()
        self.scanned = 0
        self.next_id = 0

    def close(self) -> None:
        for fd in (self.write_fd, self.read_fd):
            with contextlib.suppress(OSError):
                os.close(fd)

    def send(self, method: str, params: dict[str, Any], session: str | None, deadline: _Deadline) -> int:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        data = memoryview(json.dumps(message).encode() + b"\0")
        while data:
            _, ready, _ = select.select([], [self.write_fd], [], deadline.left())
            if ready:
                try:
                    data = data[os.write(self.write_fd, data) :]
                except BrokenPipeError:
                    raise RenderError("the browser stopped") from None
        return self.next_id

    def receive(self, deadline: _Deadline) -> dict[str, Any]:
        while (end := self.buffer.find(b"\0", self.scanned)) < 0:
            self.scanned = len(self.buffer)
            if len(self.buffer) > self.max_message:
                raise RenderError(f"the browser sent a message over {self.max_message:,} bytes")
            ready, _, _ = select.select([self.read_fd], [], [], deadline.left())
            if ready:
                chunk = os.read(self.read_fd, 1 << 20)
                if not chunk:
                    raise RenderError("the browser stopped")
                self.buffer += chunk
        try:
            message = json.loads(self.buffer[:end])
        except ValueError:
            raise RenderError("the browser sent something that is not JSON") from None
        del self.buffer[: end + 1]
        self.scanned = 0
        return message if isinstance(message, dict) else {}
