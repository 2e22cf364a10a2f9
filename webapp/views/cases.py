"""A child's case: the health question a family wants a second opinion on."""

from flask import Blueprint, redirect, render_template, request, url_for

from api.schemas import CaseSchema
from webapp.services import cases, library
from webapp.views import household_id, submit

bp = Blueprint("cases", __name__)


def _form_context(child, form, errors):
    return {"child": child, "form": form, "errors": errors, "reasons": library.reasons(),
            "cautions": library.cautions(), "safe_to_wait": library.safe_to_wait()}


@bp.get("/children/<int:child_id>/cases/new")
def new(child_id):
    """Show the form for a new case."""
    child = cases.get_child(household_id(), child_id)
    return render_template("cases/new.html", **_form_context(child, {}, {}))


@bp.post("/children/<int:child_id>/cases")
def create(child_id):
    """Open a case for the child."""
    child = cases.get_child(household_id(), child_id)
    case, errors = submit(CaseSchema, lambda data: cases.add_case(child, **data))
    if errors:
        context = _form_context(child, request.form, errors)
        return render_template("cases/new.html", **context), 422
    return redirect(url_for(".show", case_id=case.id), 303)


@bp.get("/cases/<int:case_id>")
def show(case_id):
    """Show a case, its visits and its summary."""
    case = cases.get_case(household_id(), case_id)
    return render_template("cases/show.html", case=case, **_labels())


def _labels():
    return {
        "reason_labels": {r["key"]: r["label"] for r in library.reasons()},
        "wait_options": {o["key"]: o for o in library.safe_to_wait()["option"]},
    }
