"""A case's records checklist, and what is still missing before the visit."""

from flask import Blueprint, g, redirect, render_template, request, url_for

from webapp.schemas.forms import RecordItemSchema, RecordUpdateSchema
from webapp.services import case_records, cases, library
from webapp.views import attempt, household_id, submit

bp = Blueprint("case_records", __name__, url_prefix="/cases/<int:case_id>/records")


def _page(case, status=200, errors=None, form=None):
    return render_template("case_records/index.html", case=case,
                           items=case_records.items(case), missing=case_records.missing(case),
                           states=library.record_states(), errors=errors or {},
                           form=form or {}), status


def _back(case, anchor=None):
    return redirect(url_for(".index", case_id=case.id, _anchor=anchor), 303)


@bp.get("")
def index(case_id):
    """Show what is still missing, then every record with its state, dates and holder."""
    return _page(cases.get_case(household_id(), case_id))


@bp.post("/start")
def start(case_id):
    """Add the usual records to the checklist."""
    case = cases.get_case(household_id(), case_id)
    attempt(lambda: case_records.start_list(case, g.member))
    return _back(case)


@bp.post("")
def create(case_id):
    """Add a record of the family's own to the checklist."""
    case = cases.get_case(household_id(), case_id)
    item, errors = submit(RecordItemSchema,
                          lambda data: case_records.add_item(case, g.member, **data))
    if errors:
        return _page(case, 422, {"add": errors}, {"add": request.form})
    return _back(case, f"record-{item.id}")


@bp.post("/<int:item_id>")
def update(case_id, item_id):
    """Change where a record is, who holds it, or its note."""
    case = cases.get_case(household_id(), case_id)
    item = case_records.get_item(case, item_id)
    _, errors = submit(RecordUpdateSchema,
                       lambda data: case_records.update_item(item, g.member, **data))
    if errors:
        return _page(case, 422, {item.id: errors}, {item.id: request.form})
    return _back(case, f"record-{item.id}")
