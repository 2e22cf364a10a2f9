import uuid

import pytest

from webapp.errors import Conflict
from webapp.models import Answer, ConsentEvent, Note
from webapp.services import capture


def test_a_note_sent_twice_with_its_id_is_stored_once(visit, owner):
    note_id = uuid.uuid4()
    first = capture.add_note(visit, owner, "Bone marrow test next week", ["next-step"], note_id)
    again = capture.add_note(visit, owner, "Bone marrow test next week", ["next-step"], note_id)
    assert first.id == again.id == note_id
    assert Note.query.count() == 1
    assert again.tags == ["next-step"]


def test_the_server_makes_a_time_ordered_id_when_none_is_given(visit, owner):
    note = capture.add_note(visit, owner, "No id from the page")
    assert note.id.version == 7


def test_an_id_used_under_another_visit_is_a_conflict(visit, stranger, owner):
    note_id = uuid.uuid4()
    capture.add_note(stranger, owner, "Theirs", (), note_id)
    with pytest.raises(Conflict):
        capture.add_note(visit, owner, "Ours", (), note_id)
    assert Note.query.filter_by(visit_id=visit.id).count() == 0


def test_answers_are_kept_under_their_question_once(visit, owner):
    question = visit.questions[0]
    answer_id = uuid.uuid4()
    capture.add_answer(question, owner, "She agrees", answer_id)
    capture.add_answer(question, owner, "She agrees", answer_id)
    assert [a.text for a in question.answers] == ["She agrees"]
    assert Answer.query.count() == 1


def test_consent_log_keeps_every_event_and_knows_the_latest(visit, owner):
    assert capture.consent_state(visit) is None
    capture.record_consent(visit, owner, "agreed", "Dr Okafor")
    capture.record_consent(visit, owner, "withdrawn", "Dr Okafor")
    assert [e.kind for e in visit.consent_events] == ["agreed", "withdrawn"]
    assert capture.consent_state(visit).kind == "withdrawn"
    assert ConsentEvent.query.count() == 2


def test_insert_once_tells_a_new_row_from_a_repeat(visit, owner):
    from webapp.services.records import insert_once

    note_id = uuid.uuid4()
    values = {"id": note_id, "visit_id": visit.id, "author_id": owner.id, "text": "t", "tags": []}
    assert insert_once(Note, **values)[1] is True
    assert insert_once(Note, **values)[1] is False
