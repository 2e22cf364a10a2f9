"""What a family captures during a visit: answers, notes and consent to record.

Each is create-only and keyed by an id the page makes, so a repeated
delivery stores nothing twice.
"""

from webapp.extensions import db
from webapp.models._types import utcnow
from webapp.services import changes
from webapp.services.records import insert_once_under, uuid7
from webapp.wire.entities import ANSWER, CONSENT, NOTE


def _store(entity, row_id, parent_key, parent, collection, visit, **values):
    """Insert once under `parent`; return the stored row's values.

    An id already used under another parent is a conflict.
    """
    row, created = insert_once_under(entity.model, parent_key, parent.id, id=row_id or uuid7(),
                                     **values)
    if created:
        changes.bump(visit, entity, row)
    # The insert bypassed the ORM: reload the parent's list of these rows, and
    # only that, so a sync batch does not read the visit again for every note.
    db.session.expire(parent, [collection])
    return row


def add_note(visit, author, text, tags=(), id=None, device=None, at=None,
             recording_id=None, recording_offset_ms=None):
    """Save a time-stamped note for the visit (`at`: when the phone captured it;
    `recording_*`: the recording running then, and how far into it)."""
    return _store(NOTE, id, "visit_id", visit, "notes", visit,
                  author_id=author.id, device_id=device and device.id, text=text,
                  tags=list(tags), created_at=at or utcnow(), recording_id=recording_id,
                  recording_offset_ms=recording_offset_ms)


def add_answer(question, author, text, id=None, device=None, at=None,
               recording_id=None, recording_offset_ms=None):
    """Save an answer under a question."""
    return _store(ANSWER, id, "question_id", question, "answers", question.visit,
                  author_id=author.id, device_id=device and device.id, text=text,
                  created_at=at or utcnow(), recording_id=recording_id,
                  recording_offset_ms=recording_offset_ms)


def record_consent(visit, author, kind, who, id=None, device=None, at=None):
    """Log that someone agreed to, declined or withdrew consent to recording."""
    return _store(CONSENT, id, "visit_id", visit, "consent_events", visit,
                  author_id=author.id, device_id=device and device.id, kind=kind, who=who,
                  recorded_at=at or utcnow())


def consent_state(visit):
    """Return the latest consent event of the visit, or None."""
    return visit.consent_events[-1] if visit.consent_events else None
