"""A case's records checklist: what the second opinion needs, where each record is,
who holds it and since when."""

from sqlalchemy import delete, select

from webapp.extensions import db
from webapp.models import Attachment, RecordChange, RecordItem
from webapp.services import attachments, library
from webapp.services.records import owned_by


def items(case):
    """Return the case's records, in the order they were added."""
    return db.session.scalars(select(RecordItem).where(RecordItem.case_id == case.id)
                              .order_by(RecordItem.id)).all()


def missing(case):
    """Return the records the specialist has not yet confirmed they have."""
    return [item for item in items(case) if item.state != "confirmed"]


def start_list(case, member):
    """Add the usual records to the case's checklist, skipping any already on it."""
    there = {item.key for item in items(case)}
    for usual in library.record_items():
        if usual["key"] not in there:
            add_item(case, member, title=usual["title"], key=usual["key"])


def add_item(case, member, title, key=None):
    """Add a record to the case's checklist, needed for now."""
    item = RecordItem(case_id=case.id, key=key, title=title, state="needed")
    db.session.add(item)
    db.session.flush()
    db.session.add(RecordChange(item_id=item.id, state="needed", member_id=member.id))
    db.session.flush()
    return item


def get_item(case, item_id):
    """Return a record of the case's checklist. Raises NotFound otherwise."""
    return owned_by(RecordItem, "case_id", case.id, item_id)


def update_item(item, member, state, holder="", note=""):
    """Move a record to a state (dated, when it changes), and note who holds it."""
    if state != item.state:
        db.session.add(RecordChange(item_id=item.id, state=state, member_id=member.id))
    item.state, item.holder, item.note = state, holder, note
    db.session.flush()
    db.session.expire(item, ["changes"])
    return item


def remove_item(item):
    """Remove a record from the checklist, with its history and attachments."""
    _remove([item.id])


def remove_all(case):
    """Remove the case's records checklist (the case is going)."""
    _remove(db.session.scalars(select(RecordItem.id).where(RecordItem.case_id == case.id)).all())


def _remove(ids):
    # The files go once this is committed, except those another record has too
    # (they are stored once, by content).
    files = db.session.scalars(select(Attachment.sha256).where(Attachment.item_id.in_(ids)))
    attachments.delete_unused_after_commit(ids, files.all())
    db.session.execute(delete(Attachment).where(Attachment.item_id.in_(ids)))
    db.session.execute(delete(RecordChange).where(RecordChange.item_id.in_(ids)))
    db.session.execute(delete(RecordItem).where(RecordItem.id.in_(ids)))
