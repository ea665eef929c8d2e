"""The Flask application of `claimcheck serve`.

Pages are rendered with the report's jinja2 environment (autoescape, the shared _document.html partials),
not Flask's own, so the report and the server escape and look alike. Every response carries a strict
Content-Security-Policy (our inline stylesheet by hash, no script, no external resource) and refuses to be
framed; requests for another host name (DNS rebinding) or from another web site are refused, so a page
open in the same browser cannot make this server fetch URLs or read stores. Every error is one line on
the page, never a traceback; the server never runs in debug mode.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import Flask, Response, abort, request, url_for
from werkzeug.exceptions import HTTPException

from claimcheck.errors import ClaimcheckError
from claimcheck.findings import Report
from claimcheck.render.reportmodel import BatchView, clean, page_view
from claimcheck.render.templating import asset, category_css, csp_hash, environment, render_chunks, trusted
from claimcheck.rules import RuleSet
from claimcheck.web.annotate import text_runs
from claimcheck.web.checking import SharedChecker
from claimcheck.web.inputs import (
    MAX_INPUT_BYTES,
    document_from,
    lang_choice,
    row_limit,
    store_target,
)
from claimcheck.web.server import is_loopback
from claimcheck.web.stores import browse, stored_page

if TYPE_CHECKING:
    from claimcheck.checker import Checker

WEB_TEMPLATES = Path(__file__).with_name("templates")
CSS = asset("report.css") + category_css() + (WEB_TEMPLATES / "serve.css").read_text(encoding="utf-8")
CSP = (
    f"default-src 'none'; style-src {csp_hash(CSS)}; img-src 'none'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}
LANGS = (("auto", "detect"), ("en", "English"), ("es", "Spanish"))
ECHO_CHARS = 200_000  # pasted text shown again in the form up to this length
MESSAGES = {
    404: "no such page here",
    405: "this address does not take that kind of request",
    413: f"too large: uploads and pasted text are limited to {MAX_INPUT_BYTES // 2**20} MB",
}
log = logging.getLogger("claimcheck.serve")


def create_app(
    *,
    ruleset: RuleSet | None = None,
    checker: Checker | None = None,
    loopback_only: bool = True,
    checker_options: dict[str, Any] | None = None,
) -> Flask:
    """The app. Its one Checker is `checker`, else built at the first check from `ruleset` (already loaded;
    by default the shipped packs). `loopback_only` refuses requests addressed to any other host name."""
    app = Flask("claimcheck.web", static_folder=None)
    app.config.update(
        MAX_CONTENT_LENGTH=MAX_INPUT_BYTES + 256 * 1024,  # the file itself is checked against the limit
        MAX_FORM_MEMORY_SIZE=MAX_INPUT_BYTES + 1024,  # pasted text is a form field
        MAX_FORM_PARTS=20,
    )
    shared = SharedChecker(ruleset, checker, checker_options)
    app.extensions["claimcheck"] = shared
    env = environment(WEB_TEMPLATES)

    def page(template: str, status: int = 200, **context: Any) -> Response:
        context.setdefault("error", None)
        body = "".join(render_chunks(env.get_template(template), {"css": trusted(CSS), **context}))
        return Response(body, status=status, mimetype="text/html")

    def check_page(status: int = 200, **context: Any) -> Response:
        context.setdefault("form", {"text": "", "url": "", "lang": "auto"})
        context.setdefault("report", None)
        return page("serve_check.html", status, langs=LANGS, max_mb=MAX_INPUT_BYTES // 2**20, **context)

    def store_page(status: int = 200, **context: Any) -> Response:
        context.setdefault("form", {"path": "", "limit": 50})
        return page("serve_store.html", status, store=context.pop("store", None), **context)

    @app.before_request
    def refuse_foreign_requests() -> None:
        if loopback_only and not is_loopback(urlsplit(f"//{request.host}").hostname or ""):
            abort(403, "this server answers requests for localhost only")
        if request.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site"):
            abort(403, "requests from other web sites are refused")
        origin = request.headers.get("Origin")
        if request.method == "POST" and origin is not None and urlsplit(origin).netloc != request.host:
            abort(403, "forms from other web sites are refused")

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.update(HEADERS)
        return response

    @app.get("/")
    def index() -> Response:
        return check_page()

    @app.get("/favicon.ico")
    def favicon() -> Response:
        return Response(status=204)

    @app.route("/check", methods=["GET", "POST"])
    def check() -> Response:
        values = request.values
        text = values.get("text", "")
        form = {"text": text if len(text) <= ECHO_CHARS else "", "url": values.get("url", ""), "lang": "auto"}
        if request.method == "GET" and not (text or form["url"]):
            return check_page(form=form)
        try:
            lang = lang_choice(values.get("lang"))
            form["lang"] = lang or "auto"
            report = shared.check(document_from(values, request.files), lang)
            if report.error is not None:
                raise ClaimcheckError(f"{clean(report.source)}: {report.error}")
        except ClaimcheckError as exc:
            return check_page(400, form=form, error=clean(exc, 1000))
        return check_page(form=form, **_result(report))

    @app.get("/store")
    def store() -> Response:
        form = {"path": request.args.get("path", ""), "limit": request.args.get("limit", "50")}
        if not form["path"]:
            return store_page(form=form)
        try:
            target, limit = store_target(form["path"]), row_limit(form["limit"])
            view = browse(target, limit, lambda report: _stored_href(target, report))
        except ClaimcheckError as exc:
            return store_page(400, form=form, error=clean(exc, 1000))
        return store_page(form=form, store=view)

    @app.get("/store/page")
    def stored() -> Response:
        args = request.args
        try:
            target = store_target(args.get("path"))
            view = stored_page(target, args.get("source", ""), args.get("sha256", ""))
        except ClaimcheckError as exc:
            return store_page(400, form={"path": args.get("path", ""), "limit": 50}, error=clean(exc, 1000))
        return page("serve_page.html", page=view, back=url_for("store", path=str(target)))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        code = exc.code or 500
        message = exc.description if code == 403 else MESSAGES.get(code, f"{code} {exc.name}".lower())
        return check_page(code, error=message)

    @app.errorhandler(Exception)
    def internal_error(exc: Exception) -> Response:
        log.error("claimcheck serve: internal error", exc_info=exc)  # the details go to the terminal
        return check_page(
            500, error=f"internal error ({type(exc).__name__}); the server's terminal has the details"
        )

    return app


def _result(report: Report) -> dict[str, Any]:
    from claimcheck.render.terminal import summary_line

    view = page_view(report, BatchView())
    return {
        "report": view,
        "runs": text_runs(report, view),
        "summary": summary_line(report),
        "text_chars": len(report.text),
    }


def _stored_href(target: Path, report: Report) -> str:
    return url_for("stored", path=str(target), source=report.source, sha256=report.sha256)
