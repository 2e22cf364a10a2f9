"""The push ledger rules of docs/sync-protocol.md, one by one."""

import itertools
import uuid

import pytest
from sqlalchemy.exc import OperationalError

from api import sync
from webapp.extensions import db
from webapp.models import AskedEvent, Device, Note, Rejection
from webapp.services import changes, devices


def note(visit, text="From the phone", tags=()):
    return {"visit_id": visit.id, "text": text, "tags": list(tags)}


def last_seq(phone):
    return db.session.get(Device, phone.device.id, populate_existing=True).last_applied_seq


def test_a_note_is_applied_and_the_ledger_advances_in_one_answer(phone, visit):
    response = phone.push(phone.mutation("note.create", note(visit, tags=["risk"])))
    assert response.status_code == 200
    assert response.get_json() == {"last_applied_seq": 1, "rejections": []}
    stored = Note.query.one()
    assert stored.device_id == phone.device.id and stored.tags == ["risk"]
    assert stored.author.name == "Sam"


def test_an_already_applied_seq_is_skipped(phone, visit):
    mutation = phone.mutation("note.create", note(visit))
    phone.push(mutation)
    again = phone.push(mutation, phone.mutation("note.create", note(visit, "Second")))
    assert again.get_json()["last_applied_seq"] == 2
    assert sorted(n.text for n in Note.query) == ["From the phone", "Second"]


def test_a_gap_stops_the_batch_with_409_and_the_expected_seq(phone, visit):
    phone.push(phone.mutation("note.create", note(visit)))
    response = phone.push(phone.mutation("note.create", note(visit), seq=3))
    assert response.status_code == 409
    assert response.get_json()["expected_seq"] == 2
    assert Note.query.count() == 1 and last_seq(phone) == 1


def test_a_batch_sent_out_of_order_is_applied_in_seq_order(phone, visit):
    first = phone.mutation("note.create", note(visit, "one"))
    second = phone.mutation("note.create", note(visit, "two"))
    assert phone.push(second, first).get_json()["last_applied_seq"] == 2


@pytest.mark.parametrize("mutation, code", [
    ({"op": "note.create", "data": {"text": "   "}}, "validation_failed"),
    ({"op": "note.teleport", "data": {}}, "domain_error"),
    ({"op": "note.create", "data": {"text": "x" * 10_001}}, "validation_failed"),
    ({"op": "note.create", "data": {"text": "ok"}, "hlc": "yesterday"}, "validation_failed"),
    ({"op": "note.create", "data": {"text": "ok", "visit_id": 9999}}, "not_found"),
])
def test_a_permanent_failure_is_kept_reported_and_still_advances(phone, visit, mutation, code):
    data = {"visit_id": visit.id, **mutation["data"]}
    bad = {**phone.mutation(mutation["op"], data), **({"hlc": mutation["hlc"]}
                                                      if "hlc" in mutation else {})}
    good = phone.mutation("note.create", note(visit, "after the bad one"))
    body = phone.push(bad, good).get_json()
    assert body["last_applied_seq"] == 2
    assert [(r["seq"], r["code"]) for r in body["rejections"]] == [(1, code)]
    assert body["rejections"][0]["message"]
    assert [n.text for n in Note.query] == ["after the bad one"]
    stored = Rejection.query.one()
    assert (stored.seq, stored.code, stored.entity_id) == (1, code, bad["id"])
    # Sent again (the answer was lost), it is reported again and not re-run.
    again = phone.push(bad).get_json()
    assert [r["seq"] for r in again["rejections"]] == [1]
    assert Rejection.query.count() == 1


def test_another_households_visit_is_rejected_as_not_found(phone, visit, stranger):
    body = phone.push(phone.mutation("note.create", note(stranger))).get_json()
    assert body["rejections"][0]["code"] == "not_found"
    assert Note.query.count() == 0


def test_a_transient_fault_answers_503_with_nothing_advanced(app, phone, visit):
    app.config["TEST_HOOKS"] = True
    response = phone.push(phone.mutation("note.create", note(visit)),
                          headers={"X-Test-Fault": "transient"})
    assert response.status_code == 503
    assert response.get_json()["last_applied_seq"] == 0
    assert Note.query.count() == 0 and Rejection.query.count() == 0
    phone.seq = 0
    assert phone.push(phone.mutation("note.create", note(visit))).status_code == 200


def failing_on_second_call(real):
    calls = itertools.count()

    def flaky(*args, **kwargs):
        if next(calls) == 1:
            raise OperationalError("simulated", {}, Exception("database is locked"))
        return real(*args, **kwargs)
    return flaky


@pytest.mark.parametrize("module, name", [(sync, "_advance"), (changes, "bump")])
def test_a_fault_mid_batch_keeps_what_was_committed_and_answers_503(
        phone, visit, monkeypatch, module, name):
    # At the ledger step, or after the note's insert: either way that mutation leaves nothing.
    monkeypatch.setattr(module, name, failing_on_second_call(getattr(module, name)))
    mutations = [phone.mutation("note.create", note(visit, text)) for text in ("one", "two", "3")]
    response = phone.push(*mutations)
    assert response.status_code == 503
    assert response.get_json()["last_applied_seq"] == 1
    assert [n.text for n in Note.query] == ["one"] and last_seq(phone) == 1
    monkeypatch.undo()
    assert phone.push(*mutations).get_json()["last_applied_seq"] == 3
    assert Note.query.count() == 3


def test_every_mutation_of_a_batch_has_its_visit_checked(phone, visit, stranger):
    body = phone.push(phone.mutation("note.create", note(visit, "ours")),
                      phone.mutation("note.create", note(stranger, "theirs")),
                      phone.mutation("note.create", note(visit, "ours again"))).get_json()
    assert body["last_applied_seq"] == 3
    assert [(r["seq"], r["code"]) for r in body["rejections"]] == [(2, "not_found")]
    assert sorted(n.text for n in Note.query) == ["ours", "ours again"]


def test_test_hooks_do_nothing_unless_the_app_enables_them(phone, visit):
    response = phone.push(phone.mutation("note.create", note(visit)),
                          headers={"X-Test-Fault": "transient"})
    assert response.status_code == 200


def test_the_same_note_id_under_a_new_seq_is_still_stored_once(phone, visit):
    note_id = uuid.uuid4()
    phone.push(phone.mutation("note.create", note(visit), id=note_id))
    body = phone.push(phone.mutation("note.create", note(visit), id=note_id)).get_json()
    assert body == {"last_applied_seq": 2, "rejections": []}
    assert Note.query.count() == 1


def test_answers_and_consent_go_through_the_same_services(phone, visit):
    question = visit.questions[0]
    phone.push(
        phone.mutation("answer.create", {"visit_id": visit.id, "question_id": str(question.id),
                                         "text": "She agrees"}),
        phone.mutation("consent.record", {"visit_id": visit.id, "kind": "agreed",
                                          "who": "Dr Okafor"}),
    )
    db.session.expire_all()
    assert [a.text for a in question.answers] == ["She agrees"]
    assert [e.who for e in visit.consent_events] == ["Dr Okafor"]


def test_asked_is_last_writer_wins_by_clock_whatever_the_arrival_order(make_phone, visit):
    first, second = make_phone("Parent"), make_phone("Companion")
    question = visit.questions[0]
    data = {"visit_id": visit.id, "question_id": str(question.id)}
    later = second.mutation("question.mark_asked", {**data, "asked": False},
                            hlc="1800000000000-0000-companion")
    earlier = first.mutation("question.mark_asked", {**data, "asked": True},
                             hlc="1800000000000-0000-a")
    second.push(later)
    first.push(earlier)
    db.session.expire_all()
    assert not question.asked
    assert question.asked_hlc == "1800000000000-0000-companion"
    assert AskedEvent.query.count() == 2  # the history is kept


@pytest.mark.parametrize("change, status", [
    ({"schema_version": 2}, 422),
    ({"device_id": "00000000-0000-0000-0000-000000000000"}, 422),
    ({"mutations": [{"seq": 1}] * 501}, 422),
    ({"extra": True}, 422),
])
def test_malformed_pushes_are_refused_whole(phone, visit, change, status):
    response = phone.push(phone.mutation("note.create", note(visit)), **change)
    assert response.status_code == status
    assert response.get_json()["code"] == "validation_failed"
    assert Note.query.count() == 0


def test_a_revoked_or_unknown_token_gets_401_and_nothing_applies(phone, visit):
    devices.revoke_device(phone.device)
    db.session.commit()
    assert phone.push(phone.mutation("note.create", note(visit))).status_code == 401
    phone.token = "made-up"
    assert phone.pull().status_code == 401
    assert Note.query.count() == 0


def test_a_paired_phone_registers_as_a_device_with_a_hashed_token(owners_phone):
    response = owners_phone.post("/devices", data={"name": "Phone"})
    assert response.status_code == 201
    body = response.get_json()
    device = db.session.get(Device, uuid.UUID(body["device_id"]))
    assert device.name == "Sam's phone"
    assert body["token"] not in device.token_hash and len(device.token_hash) == 64


def test_a_rejection_carries_the_fields_own_words(phone, visit):
    body = phone.push(phone.mutation("note.create", note(visit, "x" * 10_001))).get_json()
    assert body["rejections"][0]["message"] == (
        "This is too long to save: please keep it under 10,000 characters.")


def test_an_answer_to_a_question_removed_meanwhile_is_rejected_plainly(phone, visit):
    from webapp.services import visits as visit_service

    removed = visit.questions[1]
    visit_service.remove_question(visit, removed)
    db.session.commit()
    body = phone.push(phone.mutation("answer.create", {
        "visit_id": visit.id, "question_id": str(removed.id), "text": "Said yes"})).get_json()
    assert body["rejections"][0]["message"] == "This question is no longer on the list."
