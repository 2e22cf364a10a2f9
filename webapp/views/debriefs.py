"""Right after the visit: each person's debrief, written on a phone (offline too) or at home."""

from flask import Blueprint, g, render_template, request, url_for

from webapp.htmx import answer_post
from webapp.models.debriefs import DEBRIEF_FIELDS
from webapp.schemas.forms import DebriefSchema
from webapp.services import access, debriefs
from webapp.views import submit

bp = Blueprint("debriefs", __name__, url_prefix="/visits/<int:visit_id>")


def _context(visit, form=None, errors=None, saved=False):
    everyone = debriefs.latest_by_author(visit)
    mine = next((entry for entry, _ in everyone if entry.author_id == g.member.id), None)
    shown = form if form is not None else {part: getattr(mine, part, "") for part in DEBRIEF_FIELDS}
    return {"visit": visit, "everyone": everyone, "mine": mine, "form": shown,
            "errors": errors or {}, "saved": saved}


@bp.get("/debrief")
def show(visit_id):
    """Ask what this person took away, and show everyone's side by side."""
    visit = access.visible_visit(g.member, visit_id)
    return render_template("debriefs/show.html", **_context(visit))


@bp.post("/debrief")
def save(visit_id):
    """Keep a save of this person's debrief (a phone's worker answers it first when it can)."""
    visit = access.visible_visit(g.member, visit_id)
    _, errors = submit(DebriefSchema, lambda data: debriefs.save_debrief(visit, g.member, **data))
    back_to = url_for(".show", visit_id=visit.id)
    return answer_post("debriefs/show.html", "debrief", errors, back_to,
                       lambda: _context(visit, request.form if errors else None, errors,
                                        saved=not errors))
