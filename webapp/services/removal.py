"""Removing a visit, a record or a whole case: first say what goes with it, then remove
it all at once (the files of records go from disk once that is committed).

What was captured at an appointment (notes, answers, "asked" ticks, consent
entries, debriefs) is the family's record and may sit on phones too, so a
visit that has any stays. A case that people were invited to help with stays
as well (their sign-ins belong to it), and so does one with opinions,
comparisons, decisions or letters written after the visits.
"""

from sqlalchemy import delete, func, select

from webapp.errors import ValidationFailed
from webapp.extensions import db
from webapp.models import (
    Answer,
    AskedEvent,
    Attachment,
    Candidate,
    CaseView,
    CaseWording,
    ComparisonRow,
    ConsentEvent,
    DebriefEntry,
    Decision,
    Member,
    Note,
    Opinion,
    RecordItem,
    ValueView,
    VisitCheck,
    VisitQuestion,
)
from webapp.services import case_records, changes
from webapp.wire.entities import QUESTION


def _count(query):
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def _captured(visit):
    """How many things were captured at the visit."""
    questions = select(VisitQuestion.id).where(VisitQuestion.visit_id == visit.id)
    return (_count(select(Note.id).where(Note.visit_id == visit.id))
            + _count(select(ConsentEvent.id).where(ConsentEvent.visit_id == visit.id))
            + _count(select(DebriefEntry.id).where(DebriefEntry.visit_id == visit.id))
            + _count(select(Opinion.id).where(Opinion.visit_id == visit.id))
            + _count(select(Answer.id).where(Answer.question_id.in_(questions)))
            + _count(select(AskedEvent.id).where(AskedEvent.question_id.in_(questions))))


def _plural(count, word):
    return f"{count} {word}{'' if count == 1 else 's'}"


def visit_removal(visit):
    """Return `(why_it_stays or None, what_goes_with_it)` for a visit."""
    if _captured(visit):
        return ("Notes, answers, ticks, a debrief or an opinion were saved for this visit, "
                "so it stays: they are your record of what was said."), []
    goes = [f"the visit with {visit.clinician.name} on {visit.day:%-d %B %Y}"]
    if visit.questions:
        goes.append(_plural(len(visit.questions), "prepared question"))
    checks = _count(select(VisitCheck.id).where(VisitCheck.visit_id == visit.id))
    if checks:
        goes.append(_plural(checks, "checklist tick"))
    return None, goes


def remove_visit(visit):
    """Remove a visit with its prepared questions and checklist.

    Raises:
        ValidationFailed: when something was captured at the visit.
    """
    why, _ = visit_removal(visit)
    if why:
        raise ValidationFailed({"_form": [why]})
    db.session.execute(delete(VisitCheck).where(VisitCheck.visit_id == visit.id))
    for question in list(visit.questions):
        db.session.delete(question)
        db.session.flush()
        changes.bump(visit, QUESTION, question)  # deleted: phones drop it
    db.session.delete(visit)
    db.session.flush()


def case_removal(case):
    """Return `(why_it_stays or None, what_goes_with_it)` for a case."""
    if db.session.scalar(select(Member.id).where(Member.case_id == case.id).limit(1)):
        return ("People were invited to help with this case, so it stays: "
                "their notes and sign-ins belong to it."), []
    if any(_count(select(model.id).where(model.case_id == case.id))
           for model in (Opinion, ComparisonRow, ValueView, Decision)):  # letters: per decision
        return ("Opinions, a comparison, a decision or letters were written for this case, "
                "so it stays: they are your record of how you decided."), []
    goes = [f"the health question: {case.diagnosis[:80]}"]
    for visit in case.visits:
        why, visit_goes = visit_removal(visit)
        if why:
            return why.replace("this visit", f"the visit on {visit.day:%-d %B %Y}"), []
        goes.extend(visit_goes)
    records = select(RecordItem.id).where(RecordItem.case_id == case.id)
    if count := _count(records):
        goes.append(_plural(count, "record") + " on the records list")
    return None, goes + _files(Attachment.item_id.in_(records))


def record_removal(item):
    """Return `(None, what_goes_with_it)` for a record of the checklist."""
    return None, [f"the record: {item.title[:80]}, with its dates and note",
                  *_files(Attachment.item_id == item.id)]


def _files(which):
    """The attachments going: the files go from this computer too (unless shared)."""
    count = _count(select(Attachment.id).where(which))
    if not count:
        return []
    return [f"{count} {'photo or file' if count == 1 else 'photos or files'} you attached"]


def remove_case(case):
    """Remove a case with its visits, their questions and checklists.

    Raises:
        ValidationFailed: when a visit has captures or someone was invited to help.
    """
    why, _ = case_removal(case)
    if why:
        raise ValidationFailed({"_form": [why]})
    for visit in list(case.visits):
        remove_visit(visit)
    db.session.execute(delete(CaseView).where(CaseView.case_id == case.id))
    db.session.execute(delete(CaseWording).where(CaseWording.case_id == case.id))
    db.session.execute(delete(Candidate).where(Candidate.case_id == case.id))
    case_records.remove_all(case)
    db.session.expire(case, ["visits"])
    db.session.delete(case)
    db.session.flush()
