"""The opinions side by side, topic by topic, and the family's own values."""

from flask import Blueprint, g, request, url_for

from webapp.errors import NotFound
from webapp.htmx import answer_post, render_page_or_block
from webapp.schemas.after_visit import ComparisonRowSchema, ValuesSchema
from webapp.services import cases, library, opinions
from webapp.views import household_id, submit

bp = Blueprint("comparisons", __name__, url_prefix="/cases/<int:case_id>")


def _context(case, **extra):
    found = opinions.list_opinions(case)
    parents, values = opinions.values_table(case)
    return {"case": case, "opinions": found, "roles": opinions.role_labels(case),
            "rows": opinions.comparison(case, found),
            "verdicts": opinions.VERDICTS, "unmarked": opinions.UNMARKED,
            "whys": library.after_visit()["why"], "parents": parents, "values": values,
            "errors": {}, "form": {}, "saved": None, "me": g.member, **extra}


@bp.get("/compare")
def show(case_id):
    """Show the opinions side by side: a table on a wide screen, a topic at a time on a phone."""
    case = cases.get_case(household_id(), case_id)
    return render_page_or_block("comparisons/show.html", "comparison", **_context(case))


@bp.post("/compare/<topic>")
def update_row(case_id, topic):
    """Mark one topic agree, differ or not covered, with why and the family's note."""
    case = cases.get_case(household_id(), case_id)
    if topic not in opinions.topic_labels():
        raise NotFound()
    _, errors = submit(ComparisonRowSchema, lambda data: opinions.save_row(case, topic, **data))
    return answer_post("comparisons/show.html", "comparison", errors,
                       url_for(".show", case_id=case.id, _anchor=f"topic-{topic}"),
                       lambda: _context(case, errors=errors or {}, form=request.form, saved=topic))


@bp.post("/values")
def update_values(case_id):
    """Keep one parent's view on the family's values."""
    case = cases.get_case(household_id(), case_id)
    _, errors = submit(ValuesSchema, lambda data: opinions.save_values(
        case, data.pop("member_id"), data))
    return answer_post("comparisons/show.html", "family_values", errors,
                       url_for(".show", case_id=case.id, _anchor="values-heading"),
                       lambda: _context(case, errors=errors or {}, form=request.form,
                                        saved="values"))
