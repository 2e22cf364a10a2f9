"""Capture during the appointment: questions asked, answers, notes, consent.

Each form posts here when no service worker answers it first; the page
makes the id of each new entry, so a repeated post stores nothing twice.
"""

from flask import Blueprint, g, request, url_for

from webapp.htmx import answer_post
from webapp.schemas.forms import AnswerSchema, AskedSchema, ConsentSchema, NoteSchema
from webapp.services import capture, visits
from webapp.views import household_id, submit
from webapp.views.visits import appointment_context

bp = Blueprint("capture", __name__, url_prefix="/visits/<int:visit_id>")

TEMPLATE = "visits/show.html"


def _answer(visit, block, errors=None, target=None, anchor="", **extra):
    """Answer a capture: the region for htmx (422 keeping the text), else the page."""
    def context():
        return appointment_context(visit, errors=errors or {}, **extra,
                                   **({"form": request.form} if errors else {}))

    back_to = url_for("visits.show", visit_id=visit.id, _anchor=anchor)
    return answer_post(TEMPLATE, block, errors, back_to, context, target)


def _question(visit, question, errors=None, saved=False):
    return _answer(visit, "question", errors, target=f"question-{question.id}",
                   anchor=f"question-{question.id}", question=question, saved=saved,
                   error_for=question.id if errors else None)


@bp.post("/questions/<uuid:question_id>/asked")
def mark_asked(visit_id, question_id):
    """Mark a question asked, or not asked yet."""
    visit = visits.get_visit(household_id(), visit_id)
    question = visits.get_question(visit, question_id)
    _, errors = submit(AskedSchema,
                       lambda data: visits.mark_asked(question, g.member, **data))
    return _question(visit, question, errors)


@bp.post("/questions/<uuid:question_id>/answers")
def add_answer(visit_id, question_id):
    """Save a short answer under a question."""
    visit = visits.get_visit(household_id(), visit_id)
    question = visits.get_question(visit, question_id)
    _, errors = submit(AnswerSchema,
                       lambda data: capture.add_answer(question, g.member, **data))
    return _question(visit, question, errors, saved=not errors)


@bp.post("/notes")
def add_note(visit_id):
    """Save a quick note."""
    visit = visits.get_visit(household_id(), visit_id)
    _, errors = submit(NoteSchema, lambda data: capture.add_note(visit, g.member, **data))
    return _answer(visit, "notes", errors, anchor="note-form", saved=not errors)


@bp.post("/consent")
def record_consent(visit_id):
    """Log an answer to "may we record?", or a withdrawal."""
    visit = visits.get_visit(household_id(), visit_id)
    _, errors = submit(ConsentSchema,
                       lambda data: capture.record_consent(visit, g.member, **data))
    return _answer(visit, "consent", errors, anchor="consent", saved=not errors)
