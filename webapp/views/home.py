"""The home screen: children, cases and the next visits."""

from datetime import date

from flask import Blueprint, g, render_template

from webapp.services import access, cases, schedule
from webapp.views import household_id

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """Show the household's children, their cases and upcoming visits."""
    case_id = access.case_filter(g.member)  # a companion sees their case's visits only
    visits = cases.upcoming_visits(household_id(), date.today(), case_id)
    return render_template(
        "home/index.html",
        children=cases.list_children(household_id()) if case_id is None else [],
        visits=visits, late=schedule.late_visits(visits, date.today()),
    )
