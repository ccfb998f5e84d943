"""Request-wide security: headers (CSP without inline script), CSRF errors, client address for audit."""
from __future__ import annotations

from flask import Flask, Response, g, render_template, request
from flask_wtf.csrf import CSRFError

from .db import sqlite_read_only
from .services import audit
from .services.passwords import configure_hasher

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def init_security(app: Flask) -> None:
    configure_hasher(
        memory_kib=app.config["ARGON2_MEMORY_KIB"],
        time_cost=app.config["ARGON2_TIME_COST"],
        parallelism=app.config["ARGON2_PARALLELISM"],
    )

    @app.before_request
    def _remember_client_ip() -> None:
        audit.current_ip.set(request.remote_addr)
        g._read_only_token = sqlite_read_only.set(request.method in ("GET", "HEAD", "OPTIONS"))
        # Each request loads its user afresh. (g is new per request in production; a test that
        # keeps an app context pushed would otherwise carry the last request's user over.)
        g.pop("_login_user", None)
        g.pop("_awards_generation", None)

    @app.teardown_request
    def _end_read_only(_exc) -> None:
        # A request's transaction ends with the request (what it did not commit is dropped), so
        # the next request starts its own reader or writer transaction.
        sess = g.get("_awards_session")
        if sess is not None and sess.in_transaction():
            sess.rollback()
        token = g.pop("_read_only_token", None)
        if token is not None:
            try:
                sqlite_read_only.reset(token)
            except ValueError:  # set in another context (a streamed response); just clear it
                sqlite_read_only.set(False)

    @app.after_request
    def _headers(resp: Response) -> Response:
        h = resp.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("SECURITY_HEADERS_HSTS"):
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint != "static" and "Cache-Control" not in h:
            h["Cache-Control"] = "no-store"
        return resp

    @app.errorhandler(CSRFError)
    def _csrf_error(err: CSRFError):
        return render_template("errors/csrf.html", reason=err.description), 400
