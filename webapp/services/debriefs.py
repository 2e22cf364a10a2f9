"""Debriefs: what each person took away from a visit, saved on a phone or at home.

Each save is kept (keyed by the id its phone made, so a repeat stores it
once); a person's debrief is their latest save by clock. Two phones of one
person never overwrite each other: the earlier save stays in the history.
"""

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import DebriefEntry
from webapp.models._types import utcnow
from webapp.services import changes, clock
from webapp.services.records import insert_once_under, uuid7
from webapp.wire.entities import DEBRIEF


def save_debrief(visit, author, takeaways="", open_questions="", words="", heard="", id=None,
                 device=None, at=None, hlc=None):
    """Keep a save of `author`'s debrief of `visit`; return the stored row."""
    row, created = insert_once_under(
        DebriefEntry, "visit_id", visit.id, id=id or uuid7(), author_id=author.id,
        device_id=device and device.id, takeaways=takeaways, open_questions=open_questions,
        words=words, heard=heard, hlc=hlc or clock.next_hlc(), created_at=at or utcnow())
    if created:
        changes.bump(visit, DEBRIEF, row)
    return row


def saves_of(visit):
    """Every save of the visit's debriefs, oldest first by clock."""
    return db.session.scalars(select(DebriefEntry).where(DebriefEntry.visit_id == visit.id)
                              .order_by(DebriefEntry.hlc)).all()


def latest_by_author(visit):
    """Each person's debrief (their latest save), with how many saves came before it."""
    latest, earlier = {}, {}
    for entry in saves_of(visit):
        if entry.author_id in latest:
            earlier[entry.author_id] = earlier.get(entry.author_id, 0) + 1
        latest[entry.author_id] = entry
    return sorted(((entry, earlier.get(author_id, 0)) for author_id, entry in latest.items()),
                  key=lambda pair: pair[0].author.name)
