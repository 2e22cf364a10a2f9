"""What a family captures during a visit: answers, notes and consent to record.

Each is create-only and keyed by an id the page makes, so a repeated
delivery stores nothing twice.
"""

from webapp.errors import Conflict
from webapp.extensions import db
from webapp.models import Answer, ConsentEvent, Note
from webapp.services.records import insert_once, uuid7


def _store(model, row_id, parent_key, parent, **values):
    """Insert once under `parent`; an id already used under another parent is a conflict."""
    row, _created = insert_once(model, id=row_id or uuid7(), **{parent_key: parent.id}, **values)
    if getattr(row, parent_key) != parent.id:
        raise Conflict("That id is already used for something else.")
    db.session.expire(parent)  # the insert bypassed the ORM: reload its collections
    return row


def add_note(visit, author, text, tags=(), id=None):
    """Save a time-stamped note for the visit."""
    return _store(Note, id, "visit_id", visit, author_id=author.id, text=text, tags=list(tags))


def add_answer(question, author, text, id=None):
    """Save an answer under a question."""
    return _store(Answer, id, "question_id", question, author_id=author.id, text=text)


def record_consent(visit, author, kind, who, id=None):
    """Log that someone agreed to, declined or withdrew consent to recording."""
    return _store(ConsentEvent, id, "visit_id", visit, author_id=author.id, kind=kind, who=who)


def consent_state(visit):
    """Return the latest consent event of the visit, or None."""
    return visit.consent_events[-1] if visit.consent_events else None
