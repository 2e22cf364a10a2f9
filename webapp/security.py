"""Who may see what: the session guard, response headers and error pages."""

from datetime import UTC, datetime

from flask import (
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError

from webapp.errors import DomainError
from webapp.extensions import db, htmx
from webapp.models import Member

# Everything else needs a signed-in member; /api/v1 needs a device token instead.
PUBLIC_ENDPOINTS = {"static", "auth.setup", "auth.signin", "offline.worker", "offline.helper",
                    "installed.webmanifest"}

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {  # on every response, the static files' too (see add_static_headers)
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def init_app(app):
    """Install the guard, the headers and the error pages on `app`."""
    app.before_request(load_member)
    app.after_request(add_headers)
    app.register_error_handler(DomainError, domain_error)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(404, not_found)
    app.register_error_handler(405, not_found)
    app.register_error_handler(500, server_error)


def sign_in(member):
    """Start a fresh session for `member` (a new cookie, never the old one's data)."""
    session.clear()
    session.permanent = True
    session["member_id"] = member.id
    session["started"] = session["seen"] = _now()


def sign_out():
    """End the session."""
    session.clear()


def _now():
    return datetime.now(UTC).timestamp()


def load_member():
    """Put the signed-in member on `g`, or send the visitor to sign in."""
    g.member = None
    if request.blueprint == "api":
        return None  # the API takes device tokens only, never this cookie
    member_id = session.get("member_id")
    if member_id is not None:
        g.member = db.session.get(Member, member_id) if _fresh() else None
        if g.member is None:
            session.clear()  # expired or unknown: forget it, keep nothing of it
        else:
            session["seen"] = _now()
    # An unknown URL answers 404 without touching the session (a browser's own
    # favicon request must not replace the CSRF token of the form on screen).
    if g.member is None and request.endpoint not in PUBLIC_ENDPOINTS | {None}:
        return _redirect(url_for("auth.signin", next=request.full_path.rstrip("?")))
    return None


def _fresh():
    """Tell whether the session is within both its idle and absolute time-outs."""
    config, now = current_app.config, _now()
    idle = config["SESSION_IDLE_TIMEOUT"].total_seconds()
    absolute = config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    return now - session.get("seen", 0) < idle and now - session.get("started", 0) < absolute


def _redirect(location):
    """Send the visitor to sign in, without ever throwing away what they typed.

    An htmx write gets a 401 and keeps its form as it is; an htmx navigation
    is told to load the whole sign-in page.
    """
    if htmx and request.method != "GET":
        return make_response("Please sign in again. Your text is still here.", 401)
    if htmx:
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, code=303)


def add_headers(response):
    """Add the security headers, keep private pages out of shared caches, vary on htmx."""
    response.headers.update(HEADERS)
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("HX-Request")
    return response


def add_static_headers(headers, _path, _url):
    """The same security headers on what WhiteNoise serves before Flask sees it
    (the offline page among them); `headers` is a wsgiref Headers."""
    for name, value in HEADERS.items():
        headers[name] = value


def domain_error(error):
    """Show a domain error the view did not handle as a page of its own."""
    db.session.rollback()
    template = "errors/404.html" if error.status == 404 else "errors/problem.html"
    return render_template(template, message=error.message), error.status


def csrf_error(error):
    """A form whose security token expired or is missing: nothing was saved."""
    message = "This form was open too long, so nothing was saved. Reload the page and try again."
    return render_template("errors/problem.html", message=message), 400


def not_found(error):
    return render_template("errors/404.html"), 404


def server_error(error):
    db.session.rollback()
    return render_template("errors/problem.html", message=(
        "Something went wrong on our side, so nothing was saved. Please try again."
    )), 500
