"""Editing, deleting and settling notes, from a phone (sync) and at home (pages)."""

import uuid

import pytest

from webapp.extensions import db
from webapp.models import Member, Note
from webapp.services import capture


@pytest.fixture
def note(visit, owner):
    created = capture.add_note(visit, owner, "First words")
    db.session.commit()
    return db.session.get(Note, created.id)


def edit(phone, visit, note, text, base_version):
    return phone.mutation("note.edit", {"visit_id": visit.id, "note_id": str(note.id),
                                        "base_version": base_version, "text": text, "tags": []})


def test_a_phone_edits_and_deletes_through_sync(phone, visit, note):
    assert phone.push(edit(phone, visit, note, "From the phone", 1)).status_code == 200
    assert db.session.get(Note, note.id).text == "From the phone"
    delete = phone.mutation("note.delete", {"visit_id": visit.id, "note_id": str(note.id),
                                            "base_version": 2})
    assert phone.push(delete).get_json()["rejections"] == []
    pulled = phone.pull(None).get_json()
    assert all(change["id"] != str(note.id) for change in pulled["changes"])  # not in a snapshot
    since = phone.pull("1").get_json()
    assert {"entity": "note", "id": str(note.id), "deleted": True} in since["changes"]


def test_two_phones_editing_at_once_leave_a_conflict_for_home(make_phone, visit, note, signed_in):
    first, second = make_phone("first"), make_phone("second")
    first.push(edit(first, visit, note, "First phone's words", 1))
    second.push(edit(second, visit, note, "Second phone's words", 1))
    page = signed_in.get(f"/visits/{visit.id}/conflicts").text
    assert "First phone&#39;s words" in page and "Second phone&#39;s words" in page
    revision = db.session.get(Note, note.id).conflicts[0]
    answer = signed_in.post(f"/visits/{visit.id}/notes/{note.id}/resolve",
                            data={"choice": str(revision.id)})
    assert answer.status_code == 303
    assert db.session.get(Note, note.id).text == "Second phone's words"
    assert "Nothing to settle" in signed_in.get(f"/visits/{visit.id}/conflicts").text


@pytest.mark.parametrize("data", [
    {"base_version": True}, {"base_version": 2**40}, {"base_version": "1"},
    {"note_id": str(uuid.uuid4())}, {"text": "\x00"},
])
def test_bad_edits_are_rejected_and_the_queue_moves_on(phone, visit, note, data):
    mutation = edit(phone, visit, note, "x", 1)
    mutation["data"].update(data)
    body = phone.push(mutation).get_json()
    assert body["last_applied_seq"] == 1 and len(body["rejections"]) == 1
    assert db.session.get(Note, note.id).text == "First words"


def test_at_home_a_note_is_edited_then_deleted_after_asking(signed_in, visit, note):
    url = f"/visits/{visit.id}/notes/{note.id}"
    form = signed_in.get(f"{url}/edit")
    assert form.status_code == 200 and 'name="base_version" value="1"' in form.text
    saved = signed_in.post(f"{url}/edit", data={"base_version": "1", "text": "Clearer words"})
    assert saved.status_code == 303
    assert "Clearer words" in signed_in.get(f"/visits/{visit.id}/summary").text
    assert "Delete this note?" in signed_in.get(f"{url}/delete").text
    assert signed_in.post(f"{url}/delete", data={"base_version": "2"}).status_code == 303
    assert "Clearer words" not in signed_in.get(f"/visits/{visit.id}/summary").text


def test_at_home_an_edit_from_an_old_page_becomes_a_conflict(signed_in, visit, note):
    url = f"/visits/{visit.id}/notes/{note.id}/edit"
    signed_in.post(url, data={"base_version": "1", "text": "Newer"})
    assert signed_in.post(url, data={"base_version": "1", "text": "From an old tab"}
                          ).status_code == 303
    page = signed_in.get(f"/visits/{visit.id}/conflicts").text
    assert "Newer" in page and "From an old tab" in page


def test_an_empty_edit_is_refused_with_the_text_kept(signed_in, visit, note):
    response = signed_in.post(f"/visits/{visit.id}/notes/{note.id}/edit",
                              data={"base_version": "1", "text": "  "})
    assert response.status_code == 422
    assert db.session.get(Note, note.id).text == "First words"


def test_another_households_note_is_not_found(signed_in, visit, stranger):
    other = capture.add_note(stranger, Member.query.filter_by(name="Other").one(), "Secret")
    db.session.commit()
    for url in (f"/visits/{stranger.id}/notes/{other.id}/edit",
                f"/visits/{visit.id}/notes/{other.id}/edit",
                f"/visits/{visit.id}/notes/{other.id}/delete"):
        assert signed_in.get(url).status_code == 404


WAITING = "Changed in two places: waiting to be settled at home"


def test_the_visit_screen_says_a_crossed_note_waits_to_be_settled_until_it_is(
        signed_in, visit, note):
    url = f"/visits/{visit.id}/notes/{note.id}"
    signed_in.post(f"{url}/edit", data={"base_version": "1", "text": "Newer"})
    signed_in.post(f"{url}/edit", data={"base_version": "1", "text": "From an old tab"})
    assert WAITING in signed_in.get(f"/visits/{visit.id}").text
    assert WAITING in signed_in.get("/sw/fragments.json").get_json()["states"]["conflict"]
    signed_in.post(f"{url}/resolve", data={"choice": "current"})
    assert WAITING not in signed_in.get(f"/visits/{visit.id}").text
