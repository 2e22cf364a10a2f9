"""Pull: changes above a cursor, tombstones included, reset for an unknown cursor."""

import re
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp.extensions import db
from webapp.models import Note
from webapp.services import capture, visits


def by_entity(body):
    return {(c["entity"], c["id"]): c for c in body["changes"]}


def test_no_cursor_gives_a_full_snapshot_to_start_from(phone, visit):
    body = phone.pull().get_json()
    assert body["reset"] is True
    entities = by_entity(body)
    assert {e for e, _ in entities} == {"question"}
    assert len(entities) == 2
    question = entities[("question", str(visit.questions[0].id))]["data"]
    assert question["text"] == visit.questions[0].text and question["asked"] is False


def test_a_cursor_returns_only_what_changed_after_it(phone, owner, visit):
    cursor = phone.pull().get_json()["cursor"]
    note = capture.add_note(visit, owner, "Written at home")
    db.session.commit()
    body = phone.pull(cursor).get_json()
    assert body["reset"] is False
    assert list(by_entity(body)) == [("note", str(note.id))]
    assert body["changes"][0]["data"]["text"] == "Written at home"
    assert phone.pull(body["cursor"]).get_json()["changes"] == []


def test_a_removed_question_comes_back_as_a_tombstone(phone, visit):
    cursor = phone.pull().get_json()["cursor"]
    removed = visit.questions[1]
    visits.remove_question(visit, removed)
    db.session.commit()
    changes = phone.pull(cursor).get_json()["changes"]
    assert changes == [{"entity": "question", "id": str(removed.id), "deleted": True}]


def test_several_writes_to_one_row_arrive_once_in_their_latest_state(phone, visit):
    cursor = phone.pull().get_json()["cursor"]
    question = visit.questions[0]
    visits.mark_asked(question, None, True)
    visits.mark_asked(question, None, False)
    visits.mark_asked(question, None, True)
    db.session.commit()
    changes = phone.pull(cursor).get_json()["changes"]
    assert len(changes) == 1 and changes[0]["data"]["asked"] is True


@pytest.mark.parametrize("cursor", ["999999", "2147483648", "9999999999"])
def test_a_cursor_beyond_the_households_version_answers_reset_with_everything(
        phone, visit, cursor):
    body = phone.pull(cursor).get_json()
    assert body["reset"] is True and len(body["changes"]) == 2


ASCII_CURSOR = re.compile(r"[0-9]{1,10}")


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cursor=st.text(max_size=12) | st.text("0123456789²³¹٣۴߅१০੭૮୯௫", min_size=1, max_size=11))
def test_a_cursor_is_ascii_digits_or_a_422_in_the_envelope(phone, visit, cursor):
    response = phone.pull(cursor)
    if ASCII_CURSOR.fullmatch(cursor):
        assert response.status_code == 200
    else:
        assert response.status_code == 422, cursor
        body = response.get_json()
        assert (body["code"], body["message"]) == (
            "validation_failed", "Please check what you entered.")
        assert list(body["errors"]) == ["cursor"]  # what to send, or that it cannot be stored


def test_pull_never_shows_another_households_data(phone, visit, stranger):
    ids = {c["id"] for c in phone.pull().get_json()["changes"]}
    assert str(stranger.questions[0].id) not in ids


def test_a_late_edit_of_a_deleted_note_never_brings_it_back(make_phone, visit):
    """The edit is kept as a conflict; on the wire the note stays a tombstone, from any cursor."""
    deleting, editing = make_phone("deleting"), make_phone("editing")
    note_id = str(uuid.uuid4())
    deleting.push(deleting.mutation("note.create", {"visit_id": visit.id, "text": "N"},
                                    id=note_id))
    cursor = deleting.pull().get_json()["cursor"]
    for phone, op, data in [(deleting, "note.delete", {}),
                            (editing, "note.edit", {"text": "Late words", "tags": []})]:
        mutation = phone.mutation(op, {"visit_id": visit.id, "note_id": note_id,
                                       "base_version": 1, **data})
        assert phone.push(mutation).get_json()["rejections"] == []
    assert db.session.get(Note, uuid.UUID(note_id)).conflicts  # the late words are kept
    since = editing.pull(cursor).get_json()["changes"]
    assert since == [{"entity": "note", "id": note_id, "deleted": True}]
    assert note_id not in {change["id"] for change in editing.pull().get_json()["changes"]}


def test_a_crossed_edit_comes_down_as_a_conflict_until_settled_from_either_cursor(
        phone, visit, signed_in):
    """The phone learns that its edit crossed one made at home, and then the settled words:
    from the cursor it kept and from scratch alike."""
    note_id = str(uuid.uuid4())
    phone.push(phone.mutation("note.create", {"visit_id": visit.id, "text": "First words"},
                              id=note_id))
    url = f"/visits/{visit.id}/notes/{note_id}"

    def pulled_note(cursor):
        body = phone.pull(cursor).get_json()
        return by_entity(body)[("note", note_id)]["data"], body["cursor"]

    first, cursor = pulled_note(None)
    assert first["conflict"] is False
    signed_in.post(f"{url}/edit", data={"base_version": "1", "text": "Home's words"})
    phone.push(phone.mutation("note.edit", {"visit_id": visit.id, "note_id": note_id,
                                            "base_version": 1, "text": "Phone's words",
                                            "tags": []}))
    crossed, after_cross = pulled_note(cursor)
    assert (crossed["conflict"], crossed["text"]) == (True, "Home's words")
    assert pulled_note(None)[0] == crossed

    revision = db.session.get(Note, uuid.UUID(note_id)).conflicts[0]
    signed_in.post(f"{url}/resolve", data={"choice": str(revision.id)})
    settled, _ = pulled_note(after_cross)
    assert (settled["conflict"], settled["text"]) == (False, "Phone's words")
    assert pulled_note(None)[0] == settled
