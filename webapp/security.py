"""Who may see what: the session guard, response headers and error pages."""

from datetime import UTC, datetime

from flask import (
    current_app,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError
from itsdangerous import BadData, URLSafeTimedSerializer

from webapp.errors import DomainError, envelope
from webapp.extensions import db, htmx
from webapp.services import access, accounts, throttle

# Where a browser without a session gets one: first run, signing in, pairing a phone.
DOORS = {"auth.setup", "auth.signin", "pairing.enter", "pairing.link"}
# Everything else needs a signed-in member; /api/v1 needs a device token instead.
PUBLIC_ENDPOINTS = DOORS | {"static", "offline.worker", "offline.helper", "installed.webmanifest"}

# In the session of a phone the family removed at home (see load_member).
REMOVED = "removed"
# Where Flask-WTF keeps the secret its form tokens are signed from.
CSRF_FIELD = "csrf_token"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# On every response, the static files' too (see add_static_headers).
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # Never to another site; to our own pages, yes: over https Flask-WTF checks that a
    # form was posted from this site's own page by its Referer (no-referrer failed
    # every form behind the https proxy of docs/self-hosting.md).
    "Referrer-Policy": "same-origin",
}
# What only a document (or a worker) obeys: on pages, the worker, the offline pages and
# SVG (a document when opened alone); a stylesheet, script or PNG skips these 400 bytes,
# which a phone on one bar of signal would fetch for nothing on every first load.
DOCUMENT_HEADERS = HEADERS | {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    # Only features Chromium knows (an unknown one logs a console warning); the camera
    # and microphone stay open to our own pages for recording and photos.
    "Permissions-Policy": "camera=(self), microphone=(self), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
DOCUMENT_SUFFIXES = (".html", ".svg")
HSTS = {"Strict-Transport-Security": "max-age=31536000"}  # one year, when ASK_TWICE_HTTPS=1


def init_app(app):
    """Install the session cookie, the guard, the headers and the error pages on `app`."""
    app.session_interface = SessionCookies()
    app.before_request(refuse_cross_site_writes)
    app.before_request(load_member)
    app.after_request(add_headers)
    app.register_error_handler(DomainError, domain_error)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(404, not_found)
    app.register_error_handler(405, not_found)
    app.register_error_handler(413, too_large)
    app.register_error_handler(500, server_error)


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookie, set only on a browser that sent one, or at a door.

    A form another site posts to us comes without our SameSite=Lax cookie, yet the
    browser keeps the cookie our answer sets: had that answer started a session (any
    page with a CSRF token starts one), the family's sign-in would be replaced by an
    empty one. So a request without the cookie gets one only from a door's page, whose
    form needs the token, or from signing someone in.
    """

    def save_session(self, app, session, response):
        if self.get_cookie_name(app) in request.cookies or _starts_a_session(session):
            super().save_session(app, session, response)


def _starts_a_session(session):
    at_a_door = request.method in {"GET", "HEAD"} and request.endpoint in DOORS
    return at_a_door or "login" in session  # (only sign_in puts a login there)


def sign_in(member, device_name=None):
    """Start a fresh sign-in for `member`: a new row on the server, a new cookie
    naming it, never the old cookie's data (`device_name`: a phone paired by code).

    The browser's sign-in before it ends, with its device tokens: a phone paired
    again (a forgotten PIN) must not leave its old token alive, unseen.
    """
    if g.get("login") is not None:
        accounts.end_login(g.login)
    key = accounts.start_login(member, device_name)
    db.session.commit()
    session.clear()
    session.permanent = True
    session["login"] = key
    session["started"] = session["seen"] = _now()


# A browser where a name signed in: a signed cookie naming it, sent to /signin only.
# OWASP's "device cookie": guessing from elsewhere then cannot lock that browser out.
KNOWN_BROWSER = "known_browser"
KNOWN_FOR = 180 * 24 * 3600  # seconds: half a year, renewed at each sign-in


def _known_signer():
    return URLSafeTimedSerializer(current_app.secret_key, salt="known-browser")


def known_browser(name):
    """Whether this browser signed in with `name` before (its cookie is ours, unspoilt)."""
    cookie = request.cookies.get(KNOWN_BROWSER, "")
    try:
        return bool(cookie) and (_known_signer().loads(cookie, max_age=KNOWN_FOR)
                                 == throttle.name_key(name))
    except BadData:
        return False


def remember_browser(response, name):
    """Mark this browser as one where `name` signs in; return `response`."""
    response.set_cookie(KNOWN_BROWSER, _known_signer().dumps(throttle.name_key(name)),
                        max_age=KNOWN_FOR,
                        path=url_for("auth.signin"), httponly=True, samesite="Lax",
                        secure=current_app.config["HTTPS"])
    return response


def sign_out():
    """End the sign-in on the server, so no copy of the cookie works again,
    and with it the device token this browser was given."""
    if g.get("login") is not None:
        accounts.end_login(g.login)
        db.session.commit()
    session.clear()


def _now():
    return datetime.now(UTC).timestamp()


def refuse_cross_site_writes():
    """Refuse a write another site's page started, before anything reads it.

    The CSRF token already stops these; browsers also say where a request came
    from (`Sec-Fetch-Site`), so a leaked token alone is not enough either.
    """
    unsafe = request.method not in {"GET", "HEAD", "OPTIONS"}
    if unsafe and request.headers.get("Sec-Fetch-Site") in {"cross-site", "same-site"}:
        message = "This came from another website, so nothing was saved."
        if _is_api():
            return jsonify(envelope("cross_site", message)), 403
        return render_template("errors/problem.html", message=message), 403
    return None


def _forget_sign_in(removed):
    """Keep nothing in the cookie of a sign-in that ended but whether the family removed
    this phone, and the form token, which no sign-in gives: a request sent with this
    cookie before answers after the page with the "Pair again" form, and its cookie must
    not make that form's token stale."""
    form_token = session.get(CSRF_FIELD)
    session.clear()
    if removed:
        session[REMOVED] = True
    if form_token:
        session[CSRF_FIELD] = form_token


def load_member():
    """Put the signed-in member on `g` (`g.phone`: whether this browser is a paired
    phone), or send the visitor to sign in."""
    g.member = g.login = None
    g.phone = False
    if request.blueprint == "api" or _is_api():
        return None  # the API takes device tokens only, never this cookie
    key = session.get("login")
    if key is not None:
        g.login = accounts.login_for_key(key) if _fresh() else None
        if g.login is None or g.login.member.removed_at is not None:
            # Ended, expired, unknown, or a companion removed from the case.
            g.login = None
            g.removed = accounts.removed_login(key)
            if request.headers.get("Sec-Fetch-Mode", "navigate") == "navigate":
                _forget_sign_in(g.removed)
            # Otherwise the cookie is left as it came: a request sent before the phone
            # was paired again (its worker keeping pages ready) can answer after the
            # pairing, and a cookie set then would sign the new pairing out.
        else:
            g.member = g.login.member
            g.phone = g.login.is_phone
            session["seen"] = _now()
            # A companion reaches their case's visits only; the rest is "not found"
            # (and another person's note, "not allowed"): the rule the pages' links obey.
            if request.endpoint not in PUBLIC_ENDPOINTS:
                access.check(g.member, request.endpoint, request.view_args)
    # An unknown URL answers 404 without touching the session (a browser's own
    # favicon request must not replace the CSRF token of the form on screen).
    if g.member is None and request.endpoint not in PUBLIC_ENDPOINTS | {None}:
        if session.get(REMOVED) or g.get("removed"):  # no sign-in to offer: the phone's page
            return _redirect(url_for("static", filename="removed.html"))
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
    response.headers.update(DOCUMENT_HEADERS)
    if current_app.config["HTTPS"]:
        response.headers.update(HSTS)
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("HX-Request")
    return response


def add_static_headers(headers, path, _url, https=False):
    """The security headers on what WhiteNoise serves before Flask sees it: all of them
    on documents (the offline pages, SVG), the ones that matter on the rest; `headers` is
    a wsgiref Headers."""
    chosen = DOCUMENT_HEADERS if path.endswith(DOCUMENT_SUFFIXES) else HEADERS
    for name, value in (chosen | HSTS if https else chosen).items():
        headers[name] = value


def domain_error(error):
    """Show a domain error the view did not handle as a page of its own."""
    db.session.rollback()
    template = "errors/404.html" if error.status == 404 else "errors/problem.html"
    return render_template(template, message=error.message), error.status


def csrf_error(error):
    """A form whose security token expired or is missing: nothing was saved."""
    refused = refuse_cross_site_writes()  # (the token check runs first: say why plainly)
    if refused:
        return refused
    message = "This form was open too long, so nothing was saved. Reload the page and try again."
    return render_template("errors/problem.html", message=message), 400


def _is_api():
    return request.path.startswith("/api/")


def not_found(error):
    """No such page; under /api/ (unknown routes and methods too) the JSON envelope."""
    if _is_api():
        status = getattr(error, "code", 404)
        message = ("No such address in the API." if status == 404
                   else "That method is not allowed here.")
        return jsonify(envelope("not_found" if status == 404 else "method_not_allowed",
                                message)), status
    return render_template("errors/404.html"), 404


def too_large(error):
    """A body over MAX_CONTENT_LENGTH: nothing was read, nothing saved."""
    message = "This is too large to save in one go, so nothing was saved."
    if _is_api():
        return jsonify(envelope("too_large", message)), 413
    return render_template("errors/problem.html", message=message), 413


def server_error(error):
    db.session.rollback()
    message = "Something went wrong on our side, so nothing was saved. Please try again."
    if _is_api():
        return jsonify(envelope("server_error", message)), 500
    return render_template("errors/problem.html", message=message), 500
