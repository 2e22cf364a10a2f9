"""Editing and deleting notes: crossed edits are kept as conflicts, never lost."""

import uuid

import pytest

from webapp.extensions import db
from webapp.models import Change, Note, NoteRevision
from webapp.services import capture, notes


@pytest.fixture
def note(visit, owner):
    created = capture.add_note(visit, owner, "First words", tags=["risk"])
    db.session.commit()
    return db.session.get(Note, created.id)


def fresh(note):
    return db.session.get(Note, note.id, populate_existing=True)


def test_an_edit_from_the_current_version_applies(note, owner):
    notes.edit_note(note, owner, base_version=1, text="Better words", tags=["treatment"])
    db.session.commit()
    stored = fresh(note)
    assert (stored.text, stored.tags, stored.version) == ("Better words", ["treatment"], 2)
    assert [r.status for r in stored.revisions] == ["applied"]


def test_a_crossed_edit_keeps_both_texts_as_a_conflict(note, owner, visit):
    notes.edit_note(note, owner, base_version=1, text="Edited at home")
    notes.edit_note(note, owner, base_version=1, text="Edited on the phone")
    db.session.commit()
    stored = fresh(note)
    assert stored.text == "Edited at home" and stored.version == 2
    assert [r.text for r in stored.conflicts] == ["Edited on the phone"]
    assert notes.with_conflicts(visit, owner) == [stored]

    notes.resolve(stored, owner, str(stored.conflicts[0].id))
    db.session.commit()
    stored = fresh(note)
    assert stored.text == "Edited on the phone" and stored.conflicts == []
    assert notes.with_conflicts(visit, owner) == []


def test_a_delete_is_a_tombstone_and_leaves_the_visit(note, owner, visit):
    notes.delete_note(note, owner, base_version=1)
    db.session.commit()
    assert fresh(note).deleted_at is not None  # the row stays
    db.session.expire_all()
    assert visit.notes == []
    latest = db.session.scalars(db.select(Change).where(Change.entity_id == str(note.id))
                                .order_by(Change.version.desc())).first()
    assert latest.deleted


def test_a_delete_against_a_concurrent_edit_is_a_conflict_not_a_purge(note, owner):
    notes.edit_note(note, owner, base_version=1, text="Still needed")
    notes.delete_note(note, owner, base_version=1)
    db.session.commit()
    stored = fresh(note)
    assert stored.deleted_at is None and stored.text == "Still needed"
    assert [r.kind for r in stored.conflicts] == ["delete"]
    notes.resolve(stored, owner, str(stored.conflicts[0].id))  # the family chooses the delete
    db.session.commit()
    assert fresh(note).deleted_at is not None


def test_an_edit_of_a_deleted_note_can_bring_it_back(note, owner):
    notes.delete_note(note, owner, base_version=1)
    notes.edit_note(note, owner, base_version=1, text="Wait, keep this")
    db.session.commit()
    stored = fresh(note)
    assert stored.deleted_at is not None and len(stored.conflicts) == 1
    notes.resolve(stored, owner, str(stored.conflicts[0].id))
    db.session.commit()
    stored = fresh(note)
    assert stored.deleted_at is None and stored.text == "Wait, keep this"


def test_the_same_edit_sent_twice_counts_once(note, owner):
    edit_id = uuid.uuid4()
    for _ in range(2):
        notes.edit_note(note, owner, base_version=1, text="Once", id=edit_id)
    db.session.commit()
    assert fresh(note).version == 2 and NoteRevision.query.count() == 1


def test_resolving_needs_one_of_the_texts(note, owner):
    from webapp.errors import ValidationFailed

    notes.edit_note(note, owner, base_version=1, text="A")
    notes.edit_note(note, owner, base_version=1, text="B")
    with pytest.raises(ValidationFailed):
        notes.resolve(fresh(note), owner, str(uuid.uuid4()))


@pytest.mark.parametrize("change", [
    lambda note, who: notes.edit_note(note, who, base_version=1, text="Rosa's words"),
    lambda note, who: notes.delete_note(note, who, base_version=1),
])
def test_a_companion_cannot_change_a_parents_note(note, rosa, change):
    from webapp.errors import NotAllowed

    with pytest.raises(NotAllowed) as refused:
        change(note, rosa)
    assert "only your own notes" in refused.value.message
    db.session.rollback()
    stored = fresh(note)
    assert (stored.text, stored.deleted_at, stored.version) == ("First words", None, 1)
    assert NoteRevision.query.count() == 0


def test_a_companion_changes_their_own_note_and_a_parent_changes_anyones(visit, owner, rosa):
    hers = db.session.get(Note, capture.add_note(visit, rosa, "Rosa heard this").id)
    notes.edit_note(hers, rosa, base_version=1, text="Rosa heard this, twice")
    notes.edit_note(hers, owner, base_version=2, text="Rosa heard this, twice.")
    notes.delete_note(hers, rosa, base_version=3)
    db.session.commit()
    assert [r.status for r in fresh(hers).revisions] == ["applied"] * 3


def test_every_edit_keeps_the_words_it_replaced(note, owner, rosa):
    notes.edit_note(note, owner, base_version=1, text="Second words")
    notes.edit_note(note, owner, base_version=2, text="Third words")
    db.session.commit()
    assert [r.previous_text for r in fresh(note).revisions] == ["First words", "Second words"]
    assert [r.author.name for r in fresh(note).revisions] == ["Sam", "Sam"]


def test_settling_a_conflict_keeps_the_words_it_replaced(note, owner):
    notes.edit_note(note, owner, base_version=1, text="Edited at home")
    notes.edit_note(note, owner, base_version=1, text="Edited on the phone")
    stored = fresh(note)
    notes.resolve(stored, owner, str(stored.conflicts[0].id))
    db.session.commit()
    words = {r.text: r.previous_text for r in fresh(note).revisions}
    assert words == {"Edited at home": "First words", "Edited on the phone": "Edited at home"}
