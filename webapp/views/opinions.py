"""Each clinician's opinion, written down topic by topic, with where it came from."""

from flask import Blueprint, redirect, render_template, request, url_for

from webapp.schemas.after_visit import DoctorsSchema, OpinionSchema, opinion_fields
from webapp.services import cases, opinions
from webapp.views import attempt, household_id, submit

bp = Blueprint("opinions", __name__)


def _form_context(case, form, errors, opinion=None, visit=None, picked=None):
    visit = opinion.visit if opinion else visit
    return {"case": case, "opinion": opinion, "visit": visit, "form": form, "errors": errors,
            "topics": opinions.topics(), "sources": opinions.visit_sources(visit),
            "picked": picked or {}, "clinicians": cases.list_clinicians(household_id())}


def _picked_from_form():
    return {topic["key"]: request.form.getlist(f"{topic['key']}-sources")
            for topic in opinions.topics()}


def _index(case, form=None, errors=None):
    return render_template("opinions/index.html", case=case,
                           opinions=opinions.list_opinions(case), labels=opinions.topic_labels(),
                           roles=opinions.role_labels(case),
                           clinicians=cases.list_clinicians(household_id()),
                           form=form or {}, errors=errors or {})


@bp.get("/cases/<int:case_id>/opinions")
def index(case_id):
    """List the case's opinions, ask who is who, and offer to write one down per visit."""
    return _index(cases.get_case(household_id(), case_id))


@bp.post("/cases/<int:case_id>/doctors")
def doctors(case_id):
    """Keep who is the current doctor and who gave the second opinion."""
    case = cases.get_case(household_id(), case_id)
    _, errors = submit(DoctorsSchema, lambda data: cases.set_doctors(case, **data))
    if errors:
        return _index(case, request.form, errors), 422
    return redirect(url_for(".index", case_id=case.id, _anchor="doctors"), 303)


@bp.get("/cases/<int:case_id>/opinions/new")
def new(case_id):
    """Show the form for one clinician's opinion, from a visit if one is named."""
    case = cases.get_case(household_id(), case_id)
    visit = next((v for v in case.visits if str(v.id) == request.args.get("visit_id")), None)
    return render_template("opinions/edit.html", **_form_context(case, {}, {}, visit=visit))


@bp.post("/cases/<int:case_id>/opinions")
def create(case_id):
    """Write down a clinician's opinion."""
    case = cases.get_case(household_id(), case_id)
    opinion, errors = submit(OpinionSchema, lambda data: opinions.save_opinion(
        case, clinician_id=data["clinician_id"], visit_id=data["visit_id"],
        **opinion_fields(data)))
    if errors:
        visit = next((v for v in case.visits if str(v.id) == request.form.get("visit_id")), None)
        return render_template("opinions/edit.html", **_form_context(
            case, request.form, errors, visit=visit, picked=_picked_from_form())), 422
    return redirect(url_for(".show", opinion_id=opinion.id), 303)


def _opinion(opinion_id):
    opinion = opinions.get_opinion(household_id(), opinion_id)
    return opinion.case, opinion


@bp.get("/opinions/<int:opinion_id>")
def show(opinion_id):
    """Show an opinion, each topic beside the notes and answers it came from."""
    case, opinion = _opinion(opinion_id)
    return render_template("opinions/show.html", case=case, opinion=opinion,
                           topics=opinions.topics(),
                           sources=opinions.visit_sources(opinion.visit))


@bp.route("/opinions/<int:opinion_id>/edit", methods=["GET", "POST"])
def edit(opinion_id):
    """Change what an opinion says, or where it came from."""
    case, opinion = _opinion(opinion_id)
    if request.method == "GET":
        return render_template("opinions/edit.html", **_form_context(
            case, opinion.topics, {}, opinion=opinion, picked=opinion.sources))
    _, errors = submit(OpinionSchema, lambda data: opinions.save_opinion(
        case, opinion, **opinion_fields(data)))
    if errors:
        return render_template("opinions/edit.html", **_form_context(
            case, request.form, errors, opinion=opinion, picked=_picked_from_form())), 422
    return redirect(url_for(".show", opinion_id=opinion.id), 303)


@bp.route("/opinions/<int:opinion_id>/delete", methods=["GET", "POST"])
def delete(opinion_id):
    """Ask first, then delete an opinion (the visit's notes and answers stay)."""
    case, opinion = _opinion(opinion_id)
    if request.method == "GET":
        return render_template("opinions/delete.html", case=case, opinion=opinion)
    attempt(lambda: opinions.delete_opinion(opinion))
    return redirect(url_for(".index", case_id=case.id), 303)
