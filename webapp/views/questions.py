"""Preparing the questions for a visit: pick, add, order."""

from flask import Blueprint, render_template, request, url_for

from webapp.htmx import answer_post, render_page_or_block, wants_block
from webapp.schemas.forms import LibraryPickSchema, MoveSchema, OwnQuestionSchema
from webapp.services import library, printouts, visits
from webapp.views import attempt, household_id, submit

bp = Blueprint("questions", __name__, url_prefix="/visits/<int:visit_id>/questions")

TEMPLATE = "questions/index.html"


def _visit(visit_id):
    return visits.get_visit(household_id(), visit_id)


def _context(visit, errors=None, **extra):
    chosen = {q.template_key for q in visit.questions}
    # Shown once each: a suggested question sits under "Suggested", not in its group too.
    suggested = library.suggestions(visit.case, leave_out=chosen)
    return {"visit": visit, "library": library.categories(),
            "categories": library.category_titles(), "chosen_keys": chosen,
            "suggested": suggested, "suggested_keys": {q["key"] for q, _ in suggested},
            # Library ticks not yet added, sent along by a change to the list, so the
            # re-rendered library keeps them (and their groups open).
            "ticked": set(request.form.getlist("keys")) - chosen,
            "form": {}, "errors": errors or {}, "focus": None, **extra}


def _answer(visit, block, errors=None, headers=None, **extra):
    """Answer a change: the region for htmx (422 with errors), else back to the page."""
    return answer_post(TEMPLATE, block, errors, url_for(".index", visit_id=visit.id),
                       lambda: _context(visit, errors, **extra), headers=headers)


@bp.get("")
def index(visit_id):
    """Show the chosen questions in order, and the library to pick from.

    A question added or changed elsewhere refreshes the list alone (`#chosen`),
    so ticks waiting in the library are never lost.
    """
    context = _context(_visit(visit_id))
    if wants_block("chosen"):
        return render_page_or_block(TEMPLATE, "chosen", **context)
    return render_page_or_block(TEMPLATE, "prepare", **context)


@bp.get("/print")
def printout(visit_id):
    """Show "For this appointment": the child, the case and the questions with room to
    write, how many pages that prints on, and the top questions alone on one page."""
    visit = _visit(visit_id)
    top_only = request.args.get("questions") == "top"
    return render_template("questions/print.html", visit=visit, case=visit.case,
                           printout=printouts.lay_out(visit.case, visit.questions, top_only))


@bp.post("/library")
def pick(visit_id):
    """Add the ticked library questions to the end of the list."""
    visit = _visit(visit_id)
    _, errors = submit(LibraryPickSchema, lambda data: visits.add_from_library(visit, **data))
    return _answer(visit, "prepare", errors)


@bp.post("")
def create(visit_id):
    """Add the family's own question."""
    visit = _visit(visit_id)
    _, errors = submit(OwnQuestionSchema, lambda data: visits.add_own_question(visit, **data))
    if errors:
        return _answer(visit, "own_question", errors, form=request.form)
    return _answer(visit, "own_question", headers={"HX-Trigger": "questionsChanged"})


@bp.post("/<uuid:question_id>/move")
def move(visit_id, question_id):
    """Move a question one place up or down."""
    visit = _visit(visit_id)
    question = visits.get_question(visit, question_id)
    _, errors = submit(MoveSchema, lambda data: visits.move_question(visit, question, **data))
    return _answer(visit, "chosen", errors, focus=f"{request.form.get('direction')}-{question.id}")


@bp.post("/<uuid:question_id>/delete")
def delete(visit_id, question_id):
    """Take a question off the list."""
    visit = _visit(visit_id)
    question = visits.get_question(visit, question_id)
    _, errors = attempt(lambda: visits.remove_question(visit, question))
    return _answer(visit, "prepare", errors)
