"""Before the visit: its checklist, reminders that matter now, and a calendar file."""

from datetime import UTC, date, datetime

from flask import Blueprint, Response, g, render_template, request, url_for

from webapp.htmx import answer_post
from webapp.schemas.forms import CheckSchema
from webapp.services import schedule, visits
from webapp.views import household_id, submit

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
