"""The local HTTP server: werkzeug's threaded WSGI server, without its per-request log lines.

It is a one-user tool on the user's own machine (127.0.0.1 by default), so the development server's
simplicity is the point: no extra dependency, no worker processes. Debug mode is never turned on.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import TYPE_CHECKING

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from claimcheck.errors import ClaimcheckError

if TYPE_CHECKING:
    from flask import Flask

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # one line at start is all the terminal gets; errors still go to stderr


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _listen(host: str, port: int) -> socket.socket:
    """Our own bound socket: werkzeug would print its own lines and exit on a busy port."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        sock = socket.socket(family, socket.SOCK_STREAM)
    except OSError as exc:
        raise ClaimcheckError(f"{host}: cannot listen there ({exc.strerror or exc})") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise ClaimcheckError(
            f"{host}:{port}: cannot listen ({exc.strerror or exc}); try another --port"
        ) from None
    return sock


def build_server(host: str, port: int, app: Flask) -> BaseWSGIServer:
    if not 0 <= port <= 65535:
        raise ClaimcheckError(f"--port {port}: use a port from 1 to 65535 (0 picks a free one)")
    with _listen(host, port) as sock:  # werkzeug serves on a duplicate of it
        return make_server(
            host,
            port,
            app,
            threaded=True,
            request_handler=_QuietHandler,
            fd=sock.fileno(),
        )


def url_of(server: BaseWSGIServer, host: str) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{server.socket.getsockname()[1]}/"
