"""The specialist shortlist of a case, choosing one, and a pointer to clinical trials."""

from flask import Blueprint, redirect, render_template, request, url_for

from webapp.schemas import instance
from webapp.schemas.forms import CandidateSchema
from webapp.services import cases, shortlist
from webapp.views import attempt, household_id, submit
from webapp.wording import phrase

bp = Blueprint("shortlist", __name__, url_prefix="/cases/<int:case_id>/shortlist")

ANSWERS = {"yes": "Yes", "no": "No", "unknown": "Not sure"}


def _page(case, status=200, form=None, errors=None):
    words = phrase(request.args.get("words", case.condition))[:200]
    return render_template("shortlist/index.html", case=case, answers=ANSWERS,
                           candidates=shortlist.candidates(case), form=form or {},
                           errors=errors or {}, words=words,
                           trials=shortlist.trials_link(words)), status


@bp.get("")
def index(case_id):
    """Show the shortlist, the form to add a specialist and the clinical-trials link."""
    return _page(cases.get_case(household_id(), case_id))


@bp.post("")
def create(case_id):
    """Put a specialist on the shortlist."""
    case = cases.get_case(household_id(), case_id)
    candidate, errors = submit(CandidateSchema,
                               lambda data: shortlist.add_candidate(case, **data))
    if errors:
        return _page(case, 422, request.form, errors)
    return redirect(url_for(".index", case_id=case.id, _anchor=f"candidate-{candidate.id}"), 303)


@bp.get("/<int:candidate_id>/edit")
def edit(case_id, candidate_id):
    """Show the form to change what the family noted about a specialist."""
    case = cases.get_case(household_id(), case_id)
    candidate = shortlist.get_candidate(case, candidate_id)
    form = {name: getattr(candidate, name) for name in instance(CandidateSchema).fields}
    for name in ("board_certified", "in_network", "same_team"):
        form[name] = [form[name]]  # a list, as the choices macro reads a form's
    return render_template("shortlist/edit.html", case=case, candidate=candidate, form=form,
                           errors={}, answers=ANSWERS)


@bp.post("/<int:candidate_id>")
def update(case_id, candidate_id):
    """Change what the family noted about a specialist, checked as when added."""
    case = cases.get_case(household_id(), case_id)
    candidate = shortlist.get_candidate(case, candidate_id)
    _, errors = submit(CandidateSchema,
                       lambda data: shortlist.update_candidate(candidate, **data))
    if errors:
        return render_template("shortlist/edit.html", case=case, candidate=candidate,
                               form=request.form, errors=errors, answers=ANSWERS), 422
    return redirect(url_for(".index", case_id=case.id, _anchor=f"candidate-{candidate.id}"), 303)


@bp.post("/<int:candidate_id>/delete")
def delete(case_id, candidate_id):
    """Take a specialist off the shortlist."""
    case = cases.get_case(household_id(), case_id)
    candidate = shortlist.get_candidate(case, candidate_id)
    attempt(lambda: shortlist.remove_candidate(candidate))
    return redirect(url_for(".index", case_id=case.id), 303)


@bp.post("/<int:candidate_id>/choose")
def choose(case_id, candidate_id):
    """Choose a specialist: they become a clinician, and the visit form opens with them."""
    case = cases.get_case(household_id(), case_id)
    candidate = shortlist.get_candidate(case, candidate_id)
    clinician_id, _ = attempt(lambda: shortlist.choose(case, candidate))
    return redirect(url_for("visits.new", case_id=case.id, clinician_id=clinician_id), 303)
