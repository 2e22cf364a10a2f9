"""Visits and the questions a family prepares for them."""

from sqlalchemy import func, select

from webapp.errors import NotFound, ValidationFailed
from webapp.extensions import db
from webapp.models import Visit, VisitQuestion
from webapp.models._types import utcnow
from webapp.services import library
from webapp.services.cases import get_clinician
from webapp.services.records import owned


def add_visit(case, clinician_id, day, start_time=None, place=""):
    """Plan a visit with one of the household's clinicians.

    Raises:
        ValidationFailed: when the clinician is not the household's.
    """
    try:
        clinician = get_clinician(case.household_id, clinician_id)
    except NotFound:
        raise ValidationFailed({"clinician_id": ["Choose who you are seeing."]}) from None
    visit = Visit(household_id=case.household_id, case=case, clinician=clinician,
                  day=day, start_time=start_time, place=place)
    db.session.add(visit)
    db.session.flush()
    return visit


def get_visit(household_id, visit_id):
    """Return the household's visit. Raises NotFound otherwise."""
    return owned(Visit, household_id, visit_id)


def get_question(visit, question_id):
    """Return a question chosen for this visit. Raises NotFound otherwise."""
    question = db.session.get(VisitQuestion, question_id)
    if question is None or question.visit_id != visit.id:
        raise NotFound()
    return question


def _next_position(visit):
    highest = db.session.scalar(
        select(func.max(VisitQuestion.position)).where(VisitQuestion.visit_id == visit.id)
    )
    return 0 if highest is None else highest + 1


def add_from_library(visit, keys):
    """Add library questions to the end of the visit's list, skipping ones already there."""
    chosen = {q.template_key for q in visit.questions}
    position = _next_position(visit)
    for key in keys:
        if key in chosen:
            continue
        template = library.questions_by_key()[key]
        db.session.add(VisitQuestion(visit=visit, template_key=key, position=position,
                                     category=template["category"], text=template["text"]))
        chosen.add(key)
        position += 1
    db.session.flush()


def add_own_question(visit, text, category):
    """Add the family's own question to the end of the list."""
    question = VisitQuestion(visit=visit, text=text, category=category,
                             position=_next_position(visit))
    db.session.add(question)
    db.session.flush()
    return question


def move_question(visit, question, direction):
    """Swap a question with its neighbour above or below; at an end, do nothing."""
    questions = list(visit.questions)
    index = questions.index(question)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(questions):
        neighbour = questions[other]
        question.position, neighbour.position = neighbour.position, question.position
        db.session.flush()
        db.session.expire(visit, ["questions"])


def remove_question(visit, question):
    """Take a question off the list, unless answers were captured under it.

    Raises:
        ValidationFailed: when it has answers, which must never be lost.
    """
    if question.answers:
        raise ValidationFailed({"_form": ["This question has answers, so it stays."]})
    db.session.delete(question)
    db.session.flush()
    db.session.expire(visit, ["questions"])


def mark_asked(question, asked):
    """Mark a question asked (keeping the first time) or not asked yet."""
    if asked and question.asked_at is None:
        question.asked_at = utcnow()
    elif not asked:
        question.asked_at = None
    db.session.flush()
