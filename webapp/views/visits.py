"""Planning a visit, the in-appointment screen and the summary afterwards."""

from flask import Blueprint, g, redirect, render_template, request, url_for

from webapp.schemas.forms import VisitSchema
from webapp.services import access, cases, library, notes, recordings, transcripts, visits
from webapp.services.capture import consent_state
from webapp.views import household_id, submit

bp = Blueprint("visits", __name__)


def form_context(case, form, errors, visit=None):
    """Return what the visit form needs, to plan a visit or change one."""
    return {"case": case, "form": form, "errors": errors, "visit": visit,
            "clinicians": cases.list_clinicians(household_id())}


@bp.get("/cases/<int:case_id>/visits/new")
def new(case_id):
    """Show the form for a new visit."""
    case = cases.get_case(household_id(), case_id)
    chosen = {"clinician_id": request.args.get("clinician_id", "")}  # from the shortlist
    return render_template("visits/new.html", **form_context(case, chosen, {}))


@bp.post("/cases/<int:case_id>/visits")
def create(case_id):
    """Plan a visit, then go on to prepare its questions."""
    case = cases.get_case(household_id(), case_id)
    visit, errors = submit(VisitSchema, lambda data: visits.add_visit(case, **data))
    if errors:
        return render_template("visits/new.html", **form_context(case, request.form, errors)), 422
    return redirect(url_for("questions.index", visit_id=visit.id), 303)


def appointment_context(visit, **extra):
    """Return what the in-appointment screen and its regions need."""
    waiting = [question for question in visit.questions if not question.asked]
    return {"visit": visit, "case": visit.case, "consent": consent_state(visit),
            "next_question": waiting[0] if waiting else None,
            "asked_count": len(visit.questions) - len(waiting),
            "tags": library.NOTE_TAGS, "consent_kinds": library.CONSENT_KINDS,
            "form": {}, "errors": {}, "ready_urls": access.kept_for_offline(g.member, visit.id),
            "unsettled": notes.unsettled(visit),
            # A companion's phone offers to change only her own notes.
            "own_notes_only": access.only_their_own(g.member), **extra}


@bp.get("/visits/<int:visit_id>")
def show(visit_id):
    """Show the in-appointment screen, built for a phone in one hand."""
    visit = visits.get_visit(household_id(), visit_id)
    return render_template("visits/show.html", **appointment_context(visit))


@bp.get("/visits/<int:visit_id>/summary")
def summary(visit_id):
    """Show everything captured at the visit, ready to print."""
    visit = visits.get_visit(household_id(), visit_id)
    shown, words = visit.recordings, request.args.get("q", "").strip()[:200]
    return render_template("visits/summary.html", **appointment_context(visit),
                           waiting=notes.with_conflicts(visit, g.member),
                           ticked_by={q.id: visits.asked_by(q) for q in visit.questions},
                           recordings=shown, words=words,
                           may_ask=transcripts.may_ask(g.member),
                           jobs=transcripts.latest_jobs(shown),
                           transcript_failed=transcripts.NOT_WRITTEN_OUT,
                           moments_of={r.id: recordings.moments(visit, r) for r in shown},
                           transcript_of={r.id: transcripts.search(r, words) for r in shown})
