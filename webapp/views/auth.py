"""First-run set-up, signing in and signing out."""

from flask import Blueprint, redirect, render_template, request, url_for

from webapp import security
from webapp.errors import Conflict
from webapp.extensions import db
from webapp.htmx import form_data
from webapp.schemas import load
from webapp.schemas.forms import PassphraseSchema, SetupSchema, SignInSchema
from webapp.services import accounts, archive, throttle
from webapp.views import attempt, safe_next, submit

bp = Blueprint("auth", __name__)


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """Create the household and its owner, once; or, restored from an export, give the
    owner a new passphrase."""
    if accounts.household_exists():
        owner = _restored_owner()
        return _new_passphrase(owner) if owner else redirect(url_for(".signin"), 303)
    if request.method == "GET":
        return render_template("auth/setup.html", form={}, errors={})
    try:
        owner, errors = submit(SetupSchema, lambda data: accounts.create_household(**data))
    except Conflict:  # another set-up, at the same moment, was the one
        db.session.rollback()
        return redirect(url_for(".signin"), 303)
    if errors:
        return render_template("auth/setup.html", form=_without_secrets(), errors=errors), 422
    security.sign_in(owner)
    return redirect(url_for("home.index"), 303)


def _restored_owner():
    """The owner to choose a passphrase here after an export was restored: on a server
    shared by several families, only the command may (`flask set-passphrase`), since
    anyone could reach this page first."""
    return accounts.owner_without_passphrase() if archive.one_household() else None


def _new_passphrase(owner):
    if request.method == "GET":
        return render_template("auth/passphrase.html", owner=owner, errors={})
    try:
        _, errors = submit(PassphraseSchema,
                           lambda data: accounts.set_owner_passphrase(owner, **data))
    except Conflict:  # set by someone else a moment ago
        db.session.rollback()
        return redirect(url_for(".signin"), 303)
    if errors:
        return render_template("auth/passphrase.html", owner=owner, errors=errors), 422
    security.sign_in(owner)
    return redirect(url_for("home.index"), 303)


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    """Sign in with name and passphrase; many failed tries make the next ones wait."""
    if not accounts.household_exists() or _restored_owner():
        return redirect(url_for(".setup"), 303)
    if request.method == "GET":
        # A phone's worker signs it out and counts what it kept (service_worker/guard.js).
        return render_template("auth/signin.html", form={}, errors={},
                               kept=request.args.get("signed_out", type=int))
    data, errors = attempt(lambda: load(SignInSchema, form_data(SignInSchema)))
    if errors:
        return _signin_again(errors)
    address = request.remote_addr or "unknown"
    # A browser this name signed in on before is not held up by someone else's wrong
    # tries with the name (a stranger could lock the family out); its address still counts.
    known = security.known_browser(data["name"])
    wait = throttle.wait_before_next_try(address, None if known else data["name"])
    if wait:
        minutes = throttle.in_minutes(wait)
        message = (f"Too many tries with a wrong passphrase. Please wait {minutes} "
                   f"minute{'s' if minutes > 1 else ''}, then try again.")
        return _signin_again({"_form": [message]}, 429,
                             {"Retry-After": str(int(wait.total_seconds()) + 1)})
    member, errors = attempt(lambda: accounts.authenticate(**data))
    if errors:
        throttle.record_failure(address, data["name"])
        db.session.commit()
        return _signin_again(errors)
    throttle.forget(address, data["name"])
    security.sign_in(member)
    return security.remember_browser(redirect(safe_next("home.index"), 303), data["name"])


def _signin_again(errors, status=422, headers=None):
    return render_template("auth/signin.html", form=_without_secrets(), errors=errors), status, \
        headers or {}


@bp.post("/signout")
def signout():
    """Sign out of this browser, on the server too."""
    security.sign_out()
    return redirect(url_for(".signin"), 303)


def _without_secrets():
    return {key: value for key, value in request.form.items() if "passphrase" not in key}
