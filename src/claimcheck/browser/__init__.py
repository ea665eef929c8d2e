"""Headless Chromium: the one place that finds it, starts it, drives it and kills it (process.py: the
process and its pipe; session.py: Browser and its tabs).

Chromium comes from the system (`apt-get install chromium`); nothing is downloaded. `Browser` keeps one
process for a whole run and speaks the DevTools protocol over a pipe (`--remote-debugging-pipe`: JSON
messages ended by NUL on the child's fds 3 and 4), so there is no port, no websocket library and no start-up
cost per page; the protocol is what gives a full-page screenshot and per-page deadlines. Bounds: every wait
has a deadline, the DOM is cut at a byte cap, a screenshot at a height, one message at a size. The process
runs in its own process group and is killed with the group on a timeout, a crash, Ctrl-C or close; its
throw-away profile folder is removed.
"""

from claimcheck.browser.process import (
    BROWSERS,
    INSTALL_HINT,
    MAX_SHOT_HEIGHT,
    RenderError,
    find_browser,
    now_utc,
    require_browser,
    run_headless,
)
from claimcheck.browser.session import Browser, Rendered, Shot, Tab

__all__ = [
    "BROWSERS",
    "INSTALL_HINT",
    "MAX_SHOT_HEIGHT",
    "Browser",
    "RenderError",
    "Rendered",
    "Shot",
    "Tab",
    "find_browser",
    "now_utc",
    "require_browser",
    "run_headless",
]
