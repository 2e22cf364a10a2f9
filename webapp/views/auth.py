"""First-run set-up, signing in and signing out."""

from flask import Blueprint, redirect, render_template, request, url_for

from api.schemas import SetupSchema, SignInSchema
from webapp import security
from webapp.services import accounts
from webapp.views import safe_next, submit

bp = Blueprint("auth", __name__)


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """Create the household and its owner, once."""
    if accounts.household_exists():
        return redirect(url_for(".signin"), 303)
    if request.method == "GET":
        return render_template("auth/setup.html", form={}, errors={})
    owner, errors = submit(SetupSchema, lambda data: accounts.create_household(**data))
    if errors:
        return render_template("auth/setup.html", form=_without_secrets(), errors=errors), 422
    security.sign_in(owner)
    return redirect(url_for("home.index"), 303)


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    """Sign in with name and passphrase."""
    if not accounts.household_exists():
        return redirect(url_for(".setup"), 303)
    if request.method == "GET":
        return render_template("auth/signin.html", form={}, errors={})
    member, errors = submit(SignInSchema, lambda data: accounts.authenticate(**data))
    if errors:
        return render_template("auth/signin.html", form=_without_secrets(), errors=errors), 422
    security.sign_in(member)
    return redirect(safe_next("home.index"), 303)


@bp.post("/signout")
def signout():
    """Sign out of this browser."""
    security.sign_out()
    return redirect(url_for(".signin"), 303)


def _without_secrets():
    return {key: value for key, value in request.form.items() if "passphrase" not in key}
