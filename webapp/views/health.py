"""The Health screen: what `ask-twice doctor` checks, for the household's parents."""

from flask import Blueprint, render_template

from webapp.services import health
from webapp.views import household_id

bp = Blueprint("health", __name__)


@bp.get("/health")
def index():
    """Show each check with its sentence and the one thing to do."""
    results = health.checks(household_id())
    return render_template("health/index.html", checks=results,
                           needs_doing=health.needs_doing(results))
