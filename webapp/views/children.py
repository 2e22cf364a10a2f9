"""Adding a child and seeing their cases."""

from flask import Blueprint, redirect, render_template, request, url_for

from webapp.schemas.forms import ChildSchema
from webapp.services import cases
from webapp.views import household_id, submit

bp = Blueprint("children", __name__, url_prefix="/children")


@bp.get("/new")
def new():
    """Show the form for a new child."""
    return render_template("children/new.html", form={}, errors={})


@bp.post("")
def create():
    """Add a child to the household."""
    child, errors = submit(ChildSchema, lambda data: cases.add_child(household_id(), **data))
    if errors:
        return render_template("children/new.html", form=request.form, errors=errors), 422
    return redirect(url_for(".show", child_id=child.id), 303)


@bp.get("/<int:child_id>")
def show(child_id):
    """Show a child and their cases."""
    return render_template("children/show.html", child=cases.get_child(household_id(), child_id))
