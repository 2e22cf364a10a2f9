"""Talking to the current doctor: short scripts and two letters, filled from the case."""

from datetime import date

from flask import Blueprint, g, redirect, render_template, request, url_for

from webapp.errors import ValidationFailed
from webapp.schemas import load
from webapp.schemas.forms import AddressSchema, LetterFillSchema, LetterSchema
from webapp.services import cases, letters
from webapp.views import attempt, household_id, submit

bp = Blueprint("letters", __name__, url_prefix="/cases/<int:case_id>/letters")


def _fill():
    """The blanks typed in the "Fill in" form (a GET), or none where they were wrong."""
    try:
        return load(LetterFillSchema, request.args.to_dict()), {}
    except ValidationFailed as error:
        return {}, error.errors


def _page(case, status=200, errors=None, form=None, address_errors=None):
    fill, fill_errors = _fill()
    texts = letters.texts(case, g.member, date.today(), **fill)
    address = request.form if address_errors else {"address": g.member.household.address}
    return render_template("letters/index.html", case=case, texts=texts, fill=request.args,
                           fill_errors=fill_errors, errors=errors or {}, form=form or {},
                           address=address, address_errors=address_errors or {}), status


@bp.get("")
def index(case_id):
    """Show the scripts and the letter drafts, filled from the case."""
    return _page(cases.get_case(household_id(), case_id))


@bp.post("/address")
def address(case_id):
    """Keep the family's address for the top of their letters."""
    case = cases.get_case(household_id(), case_id)
    _, errors = submit(AddressSchema, lambda data: letters.set_address(g.member.household,
                                                                       **data))
    if errors:
        return _page(case, 422, address_errors=errors)
    return redirect(url_for(".index", case_id=case.id, _anchor="address"), 303)


@bp.post("/<key>")
def save(case_id, key):
    """Keep the family's wording of a script or a letter."""
    case = cases.get_case(household_id(), case_id)
    letters.known(key)
    _, errors = submit(LetterSchema, lambda data: letters.save(case, key, **data))
    if errors:
        return _page(case, 422, {key: errors}, {key: request.form.get("text", "")})
    return redirect(url_for(".index", case_id=case.id, _anchor=key), 303)


@bp.post("/<key>/draft")
def draft(case_id, key):
    """Go back to the draft filled from the case."""
    case = cases.get_case(household_id(), case_id)
    attempt(lambda: letters.back_to_draft(case, key))
    return redirect(url_for(".index", case_id=case.id, _anchor=key), 303)


@bp.get("/<key>/print")
def printout(case_id, key):
    """Show one script or letter alone, ready to print."""
    case = cases.get_case(household_id(), case_id)
    letters.known(key)
    fill, _ = _fill()
    item = next(t for t in letters.texts(case, g.member, date.today(), **fill) if t["key"] == key)
    return render_template("letters/print.html", case=case, item=item)
