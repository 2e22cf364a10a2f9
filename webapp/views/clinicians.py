"""The clinicians a household sees."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, redirect, render_template, request, url_for

from webapp.schemas.forms import ClinicianSchema
from webapp.services import cases
from webapp.views import household_id, safe_next, submit

bp = Blueprint("clinicians", __name__, url_prefix="/clinicians")


@bp.get("")
def index():
    """List the household's clinicians."""
    return render_template("clinicians/index.html",
                           clinicians=cases.list_clinicians(household_id()))


@bp.get("/new")
def new():
    """Show the form for a new clinician."""
    return render_template("clinicians/new.html", form={}, errors={}, clinician=None,
                           next=safe_next("clinicians.index"))


@bp.post("")
def create():
    """Add a clinician, then go back to where the family came from."""
    clinician, errors = submit(
        ClinicianSchema, lambda data: cases.add_clinician(household_id(), **data)
    )
    if errors:
        return render_template("clinicians/new.html", form=request.form, errors=errors,
                               clinician=None, next=safe_next("clinicians.index")), 422
    back = safe_next(url_for(".index"))
    if back != url_for(".index"):  # (planning a visit: the one just added is the one chosen)
        back = _choosing(back, clinician.id)
    return redirect(back, 303)


def _choosing(path, clinician_id):
    """Return `path` with `clinician_id` in its query, in place of any there."""
    parts = urlsplit(path)
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != "clinician_id"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("clinician_id", clinician_id)])))


@bp.get("/<int:clinician_id>/edit")
def edit(clinician_id):
    """Show the form to change a clinician."""
    clinician = cases.get_clinician(household_id(), clinician_id)
    form = {"name": clinician.name, "specialty": clinician.specialty, "centre": clinician.centre}
    return render_template("clinicians/new.html", form=form, errors={}, clinician=clinician,
                           next=safe_next("clinicians.index"))


@bp.post("/<int:clinician_id>")
def update(clinician_id):
    """Change a clinician, checked as when they were added."""
    clinician = cases.get_clinician(household_id(), clinician_id)
    _, errors = submit(ClinicianSchema, lambda data: cases.update_clinician(clinician, **data))
    if errors:
        return render_template("clinicians/new.html", form=request.form, errors=errors,
                               clinician=clinician, next=safe_next("clinicians.index")), 422
    return redirect(safe_next(url_for(".index")), 303)
