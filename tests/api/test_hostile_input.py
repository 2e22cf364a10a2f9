"""What can never be stored is refused in plain words, and never jams a phone's queue.

Each case here answered 500 or 503 on at least one database before the schemas
refused it (a NUL on PostgreSQL, a lone surrogate on both, ids beyond an
INTEGER column, `seq: true`), so every later mutation waited behind it forever.
"""

import json
from dataclasses import replace

import pytest
from sqlalchemy.exc import DataError, IntegrityError, ProgrammingError

from tests.days import in_days
from webapp.extensions import db
from webapp.models import Device, Note, Rejection
from webapp.models._types import MAX_INT
from webapp.wire.ops import OPS

NUL = "before\x00after"
SURROGATE = "half a pair: \ud83d"
TOO_BIG = MAX_INT + 1


def last_seq(phone):
    return db.session.get(Device, phone.device.id, populate_existing=True).last_applied_seq


def raw_push(phone, body, content_type="application/json"):
    """Push a body as given: JSON text that may hold what Python's json.dumps escapes."""
    return phone.client.post("/api/v1/sync/push", data=body, content_type=content_type,
                             headers={"Authorization": f"Bearer {phone.token}"})


def every_op(visit, text):
    question = str(visit.questions[0].id)
    return [
        ("note.create", {"visit_id": visit.id, "text": text, "tags": []}),
        ("answer.create", {"visit_id": visit.id, "question_id": question, "text": text}),
        ("consent.record", {"visit_id": visit.id, "kind": "agreed", "who": text}),
    ]


@pytest.mark.parametrize("text", [NUL, SURROGATE, "\x00", "\udfff"])
def test_unstorable_text_in_any_op_is_rejected_and_the_queue_moves_on(phone, visit, text):
    mutations = [phone.mutation(op, data) for op, data in every_op(visit, text)]
    fine = phone.mutation("note.create", {"visit_id": visit.id, "text": "After it"})
    response = phone.push(*mutations, fine)
    assert response.status_code == 200
    body = response.get_json()
    assert body["last_applied_seq"] == 4
    assert [r["seq"] for r in body["rejections"]] == [1, 2, 3]
    assert {r["message"] for r in body["rejections"]} == {
        "This has a character we cannot store. Please type it again."}
    assert [n.text for n in Note.query] == ["After it"]


@pytest.mark.parametrize("field, value", [
    ("op", "note.\ud800create"), ("op", "note\x00create"), ("id", "\ud800"),
    ("hlc", "1800000000000-0000-\ud800"),
])
def test_unstorable_envelope_fields_are_rejected_and_stored_safely(phone, visit, field, value):
    mutation = {**phone.mutation("note.create", {"visit_id": visit.id, "text": "ok"}),
                field: value}
    response = phone.push(mutation, phone.mutation("note.create", {"visit_id": visit.id,
                                                                   "text": "next"}))
    assert response.status_code == 200
    assert response.get_json()["last_applied_seq"] == 2
    rejection = Rejection.query.one()
    assert "\x00" not in rejection.op and rejection.op.encode("utf-8")
    assert rejection.entity_id.encode("utf-8")


@pytest.mark.parametrize("data", [
    {"visit_id": TOO_BIG}, {"visit_id": -TOO_BIG}, {"visit_id": 10**40}, {"visit_id": True},
    {"visit_id": "1"}, {"visit_id": 1.5}, {"question_id": TOO_BIG}, {"question_id": 10**40},
])
def test_numbers_beyond_the_database_are_rejected_not_a_fault(phone, visit, data):
    question = str(visit.questions[0].id)
    base = {"visit_id": visit.id, "question_id": question, "asked": True}
    response = phone.push(phone.mutation("question.mark_asked", {**base, **data}))
    assert response.status_code == 200
    assert response.get_json()["rejections"][0]["code"] == "validation_failed"
    assert last_seq(phone) == 1


def test_a_seq_beyond_the_column_is_a_gap_not_a_fault(phone, visit):
    response = phone.push(phone.mutation("note.create", {"visit_id": visit.id, "text": "x"},
                                         seq=TOO_BIG))
    assert response.status_code == 409
    assert response.get_json()["expected_seq"] == 1
    assert last_seq(phone) == 0


@pytest.mark.parametrize("seq", [True, False, "1", 1.0, None])
def test_a_seq_that_is_not_a_whole_number_refuses_the_push_plainly(phone, visit, seq):
    mutation = {**phone.mutation("note.create", {"visit_id": visit.id, "text": "x"}), "seq": seq}
    response = phone.push(mutation)
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "validation_failed" and "mutations" in body["errors"]
    assert last_seq(phone) == 0 and Note.query.count() == 0


def test_tags_are_limited_in_number(phone, visit):
    data = {"visit_id": visit.id, "text": "x", "tags": ["risk"] * 100}
    response = phone.push(phone.mutation("note.create", data))
    assert response.get_json()["rejections"][0]["message"] == "Choose from the tags shown."


@pytest.mark.parametrize("body", [
    "[]", '"text"', "42", "null", "not json", "[" * 100_000 + "]" * 100_000,
    '{"device_id": ' + "[" * 5000 + "]" * 5000 + "}",
])
@pytest.mark.parametrize("path", ["/api/v1/sync/push", "/api/v1/sync/pull"])
def test_bodies_that_are_not_a_json_object_get_the_envelope(phone, body, path):
    response = phone.client.post(path, data=body, content_type="application/json",
                                 headers={"Authorization": f"Bearer {phone.token}"})
    assert response.status_code == 422
    assert response.get_json() == {"code": "validation_failed",
                                   "message": "The request body must be a JSON object.",
                                   "errors": {"_body": ["Send a JSON object."]}}


@pytest.mark.parametrize("method, path, status", [
    ("get", "/api/v1/sync/push", 405), ("put", "/api/v1/sync/pull", 405),
    ("get", "/api/v1/nothing-here", 404), ("post", "/api/v1/", 404),
    ("delete", "/api/v1/sync/push/extra", 404),
])
def test_unknown_routes_and_methods_under_the_api_answer_json(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"code", "message", "errors"}


def test_a_body_over_the_limit_is_413_in_the_envelope(app, phone):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = raw_push(phone, json.dumps({"padding": "x" * 2000}))
    assert response.status_code == 413
    assert response.get_json()["code"] == "too_large"


@pytest.mark.parametrize("url", [
    f"/visits/{TOO_BIG}", f"/visits/{10**30}/summary", f"/visits/{10**30}/notes",
    f"/cases/{TOO_BIG}", f"/children/{10**25}", f"/visits/{TOO_BIG}/questions",
])
def test_ids_beyond_the_database_in_a_url_are_not_found(signed_in, url):
    assert signed_in.get(url).status_code in (404, 405)
    assert signed_in.post(url, data={"text": "x"}).status_code in (404, 405)


@pytest.mark.parametrize("field, value", [("text", NUL), ("text", "\x00")])
def test_html_forms_refuse_a_nul_with_422(hx, visit, field, value):
    question = visit.questions[0]
    for url, target in [(f"/visits/{visit.id}/notes", "notes"),
                        (f"/visits/{visit.id}/questions/{question.id}/answers",
                         f"question-{question.id}")]:
        response = hx.post(url, {field: value}, target=target)
        assert response.status_code == 422
        assert "This has a character we cannot store." in response.text
    response = hx.post(f"/visits/{visit.id}/consent", {"kind": "agreed", "who": NUL},
                       target="consent")
    assert response.status_code == 422
    assert Note.query.count() == 0


def test_a_visit_with_a_clinician_id_beyond_the_database_is_refused(signed_in, visit):
    response = signed_in.post(f"/cases/{visit.case_id}/visits",
                              data={"clinician_id": str(10**30),
                                    "day": in_days(17).isoformat()})
    assert response.status_code == 422
    assert "Choose who you are seeing." in response.text


@pytest.mark.parametrize("fault", [
    IntegrityError("INSERT INTO note ...", {}, Exception('duplicate key violates "pk_note"')),
    DataError("INSERT INTO note ...", {}, Exception("value too long for type varchar(40)")),
])
def test_a_rejection_says_plain_words_never_database_text(phone, visit, monkeypatch, fault):
    # Before: "The data did not fit: <the database's own message>" reached the family.
    def failing(*args, **kwargs):
        raise fault

    monkeypatch.setitem(OPS, "note.create", replace(OPS["note.create"], service=failing))
    response = phone.push(phone.mutation("note.create", {"visit_id": visit.id, "text": "x"}))
    rejection = response.get_json()["rejections"][0]
    assert rejection["message"] == "This could not be stored as it was sent. Please type it again."
    assert Rejection.query.one().message == rejection["message"]


def test_an_unknown_op_is_explained_without_echoing_it(phone, visit):
    response = phone.push(phone.mutation("<script>x", {}))
    message = response.get_json()["rejections"][0]["message"]
    assert "<script>" not in message and "Update both" in message


def test_only_passing_faults_answer_503(app, phone, visit, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in use, not raise into the test
    def broken(*args, **kwargs):
        raise ProgrammingError("SELECT nonsense", {}, Exception("syntax error"))

    monkeypatch.setitem(OPS, "note.create", replace(OPS["note.create"], service=broken))
    response = phone.push(phone.mutation("note.create", {"visit_id": visit.id, "text": "x"}))
    assert response.status_code == 500  # a bug in the server: loud, and nothing advanced
    assert set(response.get_json()) == {"code", "message", "errors"}
    assert last_seq(phone) == 0


@pytest.mark.parametrize("hlc", [
    "١٨٠٠٠٠٠٠٠٠٠٠٠-٠٠٠٠-phone",  # Arabic-Indic digits: \d and int() take them
    "1800000000000-0000-phone\n",  # `$` lets one line end through
])
def test_an_hlc_of_other_than_ascii_digits_is_rejected(phone, visit, hlc):
    response = phone.push(phone.mutation("note.create", {"visit_id": visit.id, "text": "x"},
                                         hlc=hlc))
    rejection = response.get_json()["rejections"][0]
    assert rejection["errors"] == {"hlc": ["String does not match expected pattern."]}
    assert Note.query.count() == 0
