"""Visits and the questions a family prepares for them."""


from sqlalchemy import delete, func, select

from webapp.errors import NotFound, ValidationFailed
from webapp.extensions import db
from webapp.models import AskedEvent, Visit, VisitQuestion
from webapp.services import changes, clock, library
from webapp.services.cases import get_clinician
from webapp.services.records import insert_once_under, owned, owned_by, uuid7
from webapp.wire.entities import QUESTION


def add_visit(case, clinician_id, day, start_time=None, place=""):
    """Plan a visit with one of the household's clinicians.

    Raises:
        ValidationFailed: when the clinician is not the household's.
    """
    visit = Visit(household_id=case.household_id, case=case,
                  clinician=_clinician(case, clinician_id),
                  day=day, start_time=start_time, place=place)
    db.session.add(visit)
    db.session.flush()
    return visit


def update_visit(visit, clinician_id, day, start_time=None, place=""):
    """Reschedule a visit, or change whom it is with or where.

    Raises:
        ValidationFailed: when the clinician is not the household's.
    """
    clinician = _clinician(visit.case, clinician_id)
    before = (visit.clinician_id, visit.day, visit.start_time, visit.place)
    if (clinician.id, day, start_time, place) != before:
        # Everything here is in the calendar file (whom: its title and centre), so any
        # change makes a new version of the event; saving the form unchanged does not.
        visit.calendar_sequence += 1
    visit.clinician = clinician
    visit.day, visit.start_time, visit.place = day, start_time, place
    db.session.flush()
    return visit


def _clinician(case, clinician_id):
    try:
        return get_clinician(case.household_id, clinician_id)
    except NotFound:
        raise ValidationFailed({"clinician_id": ["Choose who you are seeing."]}) from None


def get_visit(household_id, visit_id):
    """Return the household's visit. Raises NotFound otherwise."""
    return owned(Visit, household_id, visit_id)


def get_question(visit, question_id):
    """Return a question chosen for this visit. Raises NotFound otherwise."""
    return owned_by(VisitQuestion, "visit_id", visit.id, question_id,
                    "This question is no longer on the list.")


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
        _add(visit, VisitQuestion(template_key=key, position=position,
                                  category=template["category"], text=template["text"]))
        chosen.add(key)
        position += 1


def _add(visit, question):
    question.id = uuid7()
    visit.questions.append(question)
    db.session.flush()
    changes.bump(visit, QUESTION, question)
    return question


def add_own_question(visit, text, category):
    """Add the family's own question to the end of the list."""
    return _add(visit, VisitQuestion(text=text, category=category,
                                     position=_next_position(visit)))


def move_question(visit, question, direction):
    """Swap a question with its neighbour above or below; at an end, do nothing."""
    questions = list(visit.questions)
    index = questions.index(question)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(questions):
        neighbour = questions[other]
        question.position, neighbour.position = neighbour.position, question.position
        db.session.flush()
        for moved in (question, neighbour):
            changes.bump(visit, QUESTION, moved)
        db.session.expire(visit, ["questions"])


def remove_question(visit, question):
    """Take a question off the list, unless answers were captured under it.

    Raises:
        ValidationFailed: when it has answers, which must never be lost.
    """
    if question.answers:
        raise ValidationFailed({"_form": ["This question has answers, so it stays."]})
    db.session.execute(delete(AskedEvent).where(AskedEvent.question_id == question.id))
    db.session.delete(question)
    db.session.flush()
    changes.bump(visit, QUESTION, question)
    db.session.expire(visit, ["questions"])


def mark_asked(question, author, asked, hlc=None, id=None, device=None,
               recording_id=None, recording_offset_ms=None):
    """Tick a question asked or not asked; the latest tick by clock wins, all are kept.

    A phone sends its own hybrid-logical-clock reading; a tick made here gets
    one later than the question's current one. When asked, `asked_at` keeps
    the time of the first tick still standing.

    Raises:
        Conflict: when the tick's id was used for another question.
    """
    # Read the latest tick under the question's row lock (PostgreSQL; SQLite has one
    # writer at a time): ticks from two phones at the same moment queue here, so the
    # comparison below never works on a value another transaction has since replaced.
    db.session.refresh(question, ["asked_hlc", "asked_at"], with_for_update=True)
    hlc = hlc or clock.next_hlc(question.asked_hlc)
    _, created = insert_once_under(AskedEvent, "question_id", question.id, id=id or uuid7(),
                                   asked=asked, hlc=hlc, device_id=device and device.id,
                                   author_id=author and author.id, recording_id=recording_id,
                                   recording_offset_ms=recording_offset_ms)
    if created and (question.asked_hlc is None or hlc > question.asked_hlc):
        ticked_at = clock.hlc_time(hlc)
        question.asked_hlc = hlc
        question.asked_at = (question.asked_at or ticked_at) if asked else None
        db.session.flush()
        changes.bump(question.visit, QUESTION, question)


def asked_by(question):
    """Return who made the tick that stands on the question, or None."""
    if question.asked_hlc is None:
        return None
    tick = db.session.scalar(select(AskedEvent).where(
        AskedEvent.question_id == question.id, AskedEvent.hlc == question.asked_hlc))
    return tick.author if tick else None
