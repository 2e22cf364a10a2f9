"""The home screen: children, cases and the next visits."""

from datetime import date

from flask import Blueprint, render_template

from webapp.services import cases
from webapp.views import household_id

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """Show the household's children, their cases and upcoming visits."""
    return render_template(
        "home/index.html",
        children=cases.list_children(household_id()),
        visits=cases.upcoming_visits(household_id(), date.today()),
    )
