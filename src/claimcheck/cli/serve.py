"""`claimcheck serve`: the local web page (check a passage, a file or a URL; browse stores and audits)."""

from __future__ import annotations

from typing import Annotated

import typer

from claimcheck.cli.app import app
from claimcheck.cli.common import (
    FastOption,
    MinConfidenceOption,
    ModelOption,
    NoModelOption,
    RulesOption,
    model_choice,
    stderr_console,
    user_errors,
)


@app.command()
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on; the default answers this computer only.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on (0 picks a free one).")] = 8000,
    rules: RulesOption = None,
    model: ModelOption = None,
    no_model: NoModelOption = False,
    fast: FastOption = False,
    min_confidence: MinConfidenceOption = 0.0,
) -> None:
    """A local web page: paste text, upload a file or give a URL and see it annotated; open stores and audits."""
    from claimcheck.rules import load_rules
    from claimcheck.web import create_app
    from claimcheck.web.server import build_server, is_loopback, url_of

    with user_errors():
        ruleset = load_rules(rules or [])  # a bad pack fails now, not at the first check
        options = {
            "model": model_choice(model, no_model),
            "fast": fast,
            "min_confidence": min_confidence,
        }
        app_ = create_app(ruleset=ruleset, loopback_only=is_loopback(host), checker_options=options)
        server = build_server(host, port, app_)
    print(f"claimcheck serve: open {url_of(server, host)} in a browser (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()  # werkzeug's loop returns on Ctrl-C
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    stderr_console().print("claimcheck: server stopped")
