"""The Health screen: what `ask-twice doctor` checks, for the household's parents, and
where the backups go, which the owner chooses at home."""

from flask import Blueprint, redirect, render_template, request, url_for

from webapp.errors import NotFound
from webapp.schemas.forms import BackupFolderSchema
from webapp.services import backups, health
from webapp.views import home_computer, household_id, owner_at_home, submit

bp = Blueprint("health", __name__)


@bp.get("/health")
def index():
    """Show each check with its sentence and the one thing to do."""
    return health_page()


def health_page(errors=None, form=None):
    """The Health screen, with the backups folder form's errors if any."""
    results = health.checks(household_id(), computer=home_computer())
    return render_template("health/index.html", checks=results,
                           needs_doing=health.needs_doing(results),
                           backups_folder=backups.folder(), may_choose=owner_at_home(),
                           errors=errors or {},
                           form=form or {"folder": str(backups.folder())})


@bp.post("/health/backups")
def choose_backups():
    """Keep the folder the owner chose for the backups."""
    if not owner_at_home():
        raise NotFound()
    _, errors = submit(BackupFolderSchema, lambda data: backups.choose_folder(data["folder"]))
    if errors:
        return health_page(errors, request.form), 422
    return redirect(url_for(".index"), 303)
