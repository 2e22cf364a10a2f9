"""Editing and deleting notes, from the phone or at home, without ever losing words.

Every edit and delete names the version of the note its author saw. When that
is still the note's version, it applies and the version moves on. When the note
changed meanwhile (another phone's edit, or one at home), nothing is
overwritten: the edit or delete is kept as a conflict, and the home computer
shows the texts side by side for the family to choose. A delete is a
tombstone: the row stays, phones drop their copy.

Each edit or delete carries an id the phone made, so a repeat does nothing twice.
An edit that takes effect keeps the words it replaced on its revision.

Who may change a note: a parent any note of the family, a companion only their
own (access.may_change; the help page says so). Every edit and delete checks it
here, whichever door it came in by.
"""

from webapp.errors import NotAllowed, ValidationFailed
from webapp.extensions import db
from webapp.models import Note, NoteRevision
from webapp.models._types import utcnow
from webapp.services import access, changes
from webapp.services.records import insert_once_under, owned_by, uuid7
from webapp.wire.entities import NOTE


def get_note(visit, note_id):
    """Return a note of the visit, deleted or not. Raises NotFound otherwise."""
    return owned_by(Note, "visit_id", visit.id, note_id, "This note is not on this visit.")


def changeable(member, note):
    """Return `note` if `member` may change it.

    Raises:
        NotAllowed: a companion and someone else's note.
    """
    if not access.may_change(member, note):
        raise NotAllowed(access.NOT_YOURS)
    return note


def _locked(note):
    """Read the note's latest version under its row lock, so two edits queue here."""
    db.session.refresh(note, with_for_update=True)
    return note


def _revise(note, kind, author, base_version, text=None, tags=(), id=None, device=None):
    """Record the edit or delete once; return (revision, created, applies).

    Raises:
        NotAllowed: a companion changing someone else's note.
    """
    changeable(author, note)
    note = _locked(note)
    applies = base_version == note.version and note.deleted_at is None and not note.conflicts
    revision, created = insert_once_under(
        NoteRevision, "note_id", note.id, id=id or uuid7(), kind=kind, base_version=base_version,
        text=text, tags=list(tags), author_id=author.id, device_id=device and device.id,
        status="applied" if applies else "conflict", created_at=utcnow(),
        previous_text=note.text if applies else None)
    db.session.expire(note, ["revisions"])
    return revision, created, applies and created


def edit_note(note, author, base_version, text, tags=(), id=None, device=None):
    """Change a note's text and tags, or keep the edit as a conflict if the note moved on."""
    _, created, applies = _revise(note, "edit", author, base_version, text, tags, id, device)
    if applies:
        note.text, note.tags, note.version = text, list(tags), note.version + 1
    if created:
        db.session.flush()
        changes.bump(note.visit, NOTE, note)
    return note


def delete_note(note, author, base_version, id=None, device=None):
    """Delete a note (a tombstone), or keep the delete as a conflict if it was edited meanwhile."""
    _, created, applies = _revise(note, "delete", author, base_version, id=id, device=device)
    if applies:
        note.deleted_at, note.version = utcnow(), note.version + 1
    if created:
        db.session.flush()
        changes.bump(note.visit, NOTE, note)
    return note


def resolve(note, member, choice):
    """Settle a note's conflicts with one of its texts: `current`, a revision's id, or delete.

    Raises:
        NotAllowed: a companion settling someone else's note.
        ValidationFailed: a choice that is not one of the note's texts.
    """
    changeable(member, note)
    note = _locked(note)
    waiting = {str(revision.id): revision for revision in note.conflicts}
    if not waiting:
        return note
    if choice != "current" and choice not in waiting:
        raise ValidationFailed({"choice": ["Choose one of the texts shown."]})
    chosen = waiting.get(choice)
    if chosen is not None and chosen.kind == "delete":
        note.deleted_at = utcnow()
    elif chosen is not None:
        chosen.previous_text = note.text
        note.text, note.tags, note.deleted_at = chosen.text, list(chosen.tags), None
    for revision in waiting.values():
        revision.status = "resolved"
    note.version += 1
    db.session.flush()
    changes.bump(note.visit, NOTE, note)
    return note


def unsettled(visit):
    """Return the ids of the visit's notes with a change waiting to be settled at home."""
    return set(db.session.scalars(
        db.select(NoteRevision.note_id).join(Note)
        .where(Note.visit_id == visit.id, NoteRevision.status == "conflict")))


def with_conflicts(visit, member):
    """Return the visit's notes that wait for `member` to choose a text (a companion: hers)."""
    return [note for note in db.session.scalars(
        db.select(Note).where(Note.visit_id == visit.id).order_by(Note.created_at))
        if note.conflicts and access.may_change(member, note)]
