"""Before the visit: its checklist, reminders that matter now, and a calendar file."""

from datetime import UTC, date, datetime

from flask import Blueprint, Response, g, redirect, render_template, request, url_for

from webapp.htmx import answer_post
from webapp.schemas.forms import CheckSchema, VisitSchema
from webapp.services import removal, schedule, visits
from webapp.views import attempt, household_id, submit
from webapp.views.visits import form_context

bp = Blueprint("schedule", __name__, url_prefix="/visits/<int:visit_id>")

TEMPLATE = "schedule/show.html"


def _context(visit, errors=None, focus=None):
    checks = schedule.checklist(visit)
    return {"visit": visit, "case": visit.case, "checks": checks, "errors": errors or {},
            "done": sum(1 for check in checks if check["tick"]), "focus": focus,
            "warning": schedule.wait_warning(visit, date.today()),
            "past": schedule.is_past(visit, date.today())}


@bp.get("/before")
def show(visit_id):
    """Show the before-the-visit checklist and what to bring."""
    visit = visits.get_visit(household_id(), visit_id)
    return render_template(TEMPLATE, **_context(visit))


@bp.post("/before")
def tick(visit_id):
    """Tick or untick one item of the checklist."""
    visit = visits.get_visit(household_id(), visit_id)
    _, errors = submit(CheckSchema, lambda data: schedule.set_check(visit, g.member, **data))
    return answer_post(TEMPLATE, "checklist", errors, url_for(".show", visit_id=visit.id),
                       lambda: _context(visit, errors, focus=request.form.get("key")))


@bp.get("/calendar.ics")
def calendar(visit_id):
    """Download the visit as a calendar file, to add it to a phone's or computer's calendar."""
    visit = visits.get_visit(household_id(), visit_id)
    body = schedule.calendar_file(visit, datetime.now(UTC))
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="visit-{visit.day.isoformat()}.ics"'})


@bp.get("/edit")
def edit(visit_id):
    """Show the form to reschedule the visit or change whom it is with."""
    visit = visits.get_visit(household_id(), visit_id)
    form = {"clinician_id": str(visit.clinician_id), "day": visit.day.isoformat(),
            "start_time": visit.start_time.strftime("%H:%M") if visit.start_time else "",
            "place": visit.place}
    return render_template("visits/new.html", **form_context(visit.case, form, {}, visit))


@bp.post("/edit")
def update(visit_id):
    """Reschedule the visit, checked as when it was planned."""
    visit = visits.get_visit(household_id(), visit_id)
    _, errors = submit(VisitSchema, lambda data: visits.update_visit(visit, **data))
    if errors:
        context = form_context(visit.case, request.form, errors, visit)
        return render_template("visits/new.html", **context), 422
    return redirect(url_for(".show", visit_id=visit.id), 303)


def _confirm(visit, why, goes, errors=None):
    return render_template("removal/confirm.html", what="this visit", why=why, goes=goes,
                           errors=errors or {}, back=url_for(".show", visit_id=visit.id),
                           action=url_for(".delete", visit_id=visit.id))


@bp.get("/delete")
def confirm_delete(visit_id):
    """Ask before removing the visit, saying what goes with it (or why it stays)."""
    visit = visits.get_visit(household_id(), visit_id)
    return _confirm(visit, *removal.visit_removal(visit))


@bp.post("/delete")
def delete(visit_id):
    """Remove the visit with its prepared questions and checklist."""
    visit = visits.get_visit(household_id(), visit_id)
    case_id = visit.case_id
    _, errors = attempt(lambda: removal.remove_visit(visit))
    if errors:
        return _confirm(visit, None, [], errors), 422
    return redirect(url_for("cases.show", case_id=case_id), 303)
