"""Every route and every sync op, tried by everyone who must not reach the family's data.

Four outsiders: a visitor with no session, a parent of another household, a
companion invited to another of the family's cases, and a phone the family
revoked. Each gets a sign-in redirect, 401 or 404, never the data, and
nothing they send is stored.
"""

import hashlib
import re
import uuid

import pytest

from tests.days import in_days, years_ago
from tests.webapp.test_routes import api_rules, guarded_rules
from webapp.extensions import db
from webapp.models import (
    Answer,
    AskedEvent,
    ComparisonRow,
    ConsentEvent,
    Decision,
    Letter,
    Member,
    Note,
    NoteRevision,
    Opinion,
    Recording,
    RecordingChunk,
    ValueView,
)
from webapp.security import PUBLIC_ENDPOINTS
from webapp.services import (
    access,
    accounts,
    capture,
    case_records,
    cases,
    decisions,
    devices,
    opinions,
    pairing,
    recordings,
    shortlist,
    visits,
)
from webapp.wire.ops import OPS

SECRET = "Only the family may read this"
WRITTEN = (Note, NoteRevision, Answer, ConsentEvent, AskedEvent, Opinion, ComparisonRow,
           ValueView, Decision, Letter, Recording, RecordingChunk)
WEBM = b"\x1a\x45\xdf\xa3" + b"\x00" * 60


@pytest.fixture
def family(owner, visit):
    """The family's visit with a note, and a second case a companion is invited to."""
    note = capture.add_note(visit, owner, SECRET)
    child = cases.add_child(owner.household_id, name="Bea", birth_date=years_ago(7, 2, 2))
    case = cases.add_case(child, diagnosis="Another matter", safe_to_wait="yes")
    visits.add_visit(case, visit.clinician_id, in_days(9))
    device, _ = devices.register_device(owner, "Kitchen tablet")
    opinion = opinions.save_opinion(visit.case, visit_id=visit.id, topics={"diagnosis": SECRET},
                                    sources={})
    decision = decisions.decide(visit.case, option="switch", reasons=SECRET,
                                decided_on=in_days(10))
    candidate = shortlist.add_candidate(visit.case, name="Dr Short")
    record = case_records.add_item(visit.case, owner, "Scans")
    capture.record_consent(visit, owner, "agreed", "Dr A")
    recording = recordings.start_recording(visit, owner, "audio/webm")
    recordings.add_chunk(recording, 0, hashlib.sha256(WEBM).hexdigest(), WEBM)
    db.session.commit()
    return {"opinion_id": str(opinion.id), "decision_id": str(decision.id),
            "topic": "diagnosis", "kind": "transfer",
            "visit_id": str(visit.id), "case_id": str(visit.case_id),
            "child_id": str(visit.case.child_id), "question_id": str(visit.questions[0].id),
            "note_id": str(note.id), "clinician_id": str(visit.clinician_id),
            "member_id": str(owner.id), "device_id": str(device.id), "elsewhere_case": case,
            "item_id": str(visit.case.child.allergies[0].id), "candidate_id": str(candidate.id),
            "attachment_id": "1", "recording_id": str(recording.id), "index": "1",
            "record_id": str(record.id)}


def paired_phone(app, member):
    """A phone paired to `member` by a link, with its device registered."""
    _, token, _ = pairing.start_pairing(member)
    db.session.commit()
    phone = app.test_client()
    assert phone.post(f"/pair/{token}", data={"name": "A phone"}).status_code == 303
    device = phone.post("/devices", data={"name": "A phone"}).get_json()
    return phone, device


@pytest.fixture
def outsiders(app, signed_in, family, stranger):
    """Each outsider's (client, device or None)."""
    other_parent = Member.query.filter_by(name="Other").one()
    companion = _companion_of(family["elsewhere_case"])
    revoked_phone, revoked_device = paired_phone(app, Member.query.filter_by(name="Sam").one())
    listed = signed_in.get("/devices").text
    device_id = revoked_device["device_id"]
    assert device_id in listed
    assert signed_in.post(f"/devices/{device_id}/revoke").status_code in (200, 303)
    return {"anonymous": (app.test_client(), None),
            "another household": paired_phone(app, other_parent),
            "companion of another case": paired_phone(app, companion),
            "revoked phone": (revoked_phone, revoked_device)}


def _companion_of(case):
    member = accounts.invite_companion(case, "Grandma Rosa")
    db.session.commit()
    return member


def _url(rule, values):
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), "x"), rule.rule)


def _written():
    return {model.__name__: db.session.query(model).count() for model in WRITTEN}


ANSWERS = {"anonymous": {303}, "another household": {404}, "companion of another case": {404},
           "revoked phone": {303}}


@pytest.mark.parametrize("who", list(ANSWERS))
def test_no_page_or_form_of_the_family_answers_an_outsider(app, family, outsiders, who):
    client, _ = outsiders[who]
    before = _written()
    checked = 0
    for rule in guarded_rules(app):
        if who not in ("anonymous", "revoked phone") and rule.endpoint in access.EVERYONE:
            continue  # their own home, their own phone's pages: nothing of the family's
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(_url(rule, family), method=method, data={
                "text": "x", "name": "x", "kind": "agreed", "verdict": "agree",
                "reason": "x", "diagnosis": "x", "member_id": family["member_id"]})
            expected = ANSWERS[who]
            if who == "another household" and not rule.arguments:
                # Their own pages and forms, nothing of ours on them; or not theirs to open
                # at all (404: the owner's Connect step, which runs at home only).
                expected = {200, 303, 404, 422}
            assert response.status_code in expected, (who, rule.rule, method,
                                                      response.status_code)
            if response.status_code == 303:  # a removed phone: its own page, no sign-in
                door = "/static/removed.html" if who == "revoked phone" else "/signin"
                assert response.headers["Location"].startswith(door), (who, rule.rule)
            assert SECRET not in response.text and "Another matter" not in response.text
            checked += 1
    assert checked >= 30
    assert _written() == before


def _mutation(op, family, seq):
    data = {"visit_id": int(family["visit_id"]), "question_id": family["question_id"],
            "note_id": family["note_id"], "text": "x", "tags": [], "asked": True,
            "kind": "agreed", "who": "Dr X", "base_version": 1, "takeaways": "x",
            "recording_id": family["recording_id"], "mime_type": "audio/webm",
            "recording_offset_ms": 5, "duration_ms": 1000, "stop_reason": "stopped",
            "chunk_count": 1}
    fields = OPS[op].schema().fields
    return {"seq": seq, "op": op, "id": str(uuid.uuid4()), "hlc": "1800000000000-0000-x",
            "data": {key: value for key, value in data.items() if key in fields}}


def _sync(client, path, device, **body):
    device = device or {"device_id": str(uuid.uuid4()), "token": "not a token"}
    return client.post(f"/api/v1/sync/{path}", json={"device_id": device["device_id"], **body},
                       headers={"Authorization": f"Bearer {device['token']}"})


@pytest.mark.parametrize("who", list(ANSWERS))
def test_no_sync_op_reaches_the_family_for_an_outsider(family, outsiders, who):
    client, device = outsiders[who]
    before = _written()
    mutations = [_mutation(op, family, seq) for seq, op in enumerate(OPS, 1)]
    pushed = _sync(client, "push", device, schema_version=1, mutations=mutations)
    pulled = _sync(client, "pull", device, cursor=None)
    if who in ("anonymous", "revoked phone"):
        assert (pushed.status_code, pulled.status_code) == (401, 401)
    else:  # a device of their own: every op refused as not found, one by one
        assert pushed.status_code == 200
        assert [r["code"] for r in pushed.get_json()["rejections"]] == ["not_found"] * len(OPS)
        assert family["visit_id"] not in {str(c["data"].get("visit_id"))
                                          for c in pulled.get_json()["changes"]}
    assert SECRET not in pushed.text + pulled.text
    assert _written() == before


@pytest.mark.parametrize("who", list(ANSWERS))
def test_no_recording_chunk_reaches_the_family_for_an_outsider(family, outsiders, who):
    client, device = outsiders[who]
    before = _written()
    headers = {"Authorization": f"Bearer {(device or {}).get('token', 'not a token')}",
               "X-Content-SHA256": hashlib.sha256(WEBM).hexdigest()}
    url = f"/api/v1/recordings/{family['recording_id']}/chunks"
    answers = [client.get(url, headers=headers), client.put(f"{url}/1", data=WEBM, headers=headers)]
    expected = 401 if who in ("anonymous", "revoked phone") else 404
    assert [answer.status_code for answer in answers] == [expected, expected]
    assert all("received" not in answer.get_json() for answer in answers)
    assert _written() == before


@pytest.mark.parametrize("who", list(ANSWERS))
def test_no_record_photo_reaches_the_family_for_an_outsider(family, outsiders, who):
    client, device = outsiders[who]
    headers = {"Authorization": f"Bearer {(device or {}).get('token', 'not a token')}"}
    url = f"/api/v1/records/{family['record_id']}/uploads/{hashlib.sha256(WEBM).hexdigest()}"
    answers = [client.get(url, headers=headers),
               client.post(f"{url}?offset=0&size=64", data=WEBM, headers=headers)]
    expected = 401 if who in ("anonymous", "revoked phone") else 404
    assert [answer.status_code for answer in answers] == [expected, expected]


def test_the_inventory_covers_every_api_route(app):
    assert {rule.rule for rule in api_rules(app)} == {
        "/api/v1/sync/push", "/api/v1/sync/pull", "/api/v1/recordings/<uuid:recording_id>/chunks",
        "/api/v1/recordings/<uuid:recording_id>/chunks/<int(min=0):index>",
        "/api/v1/records/<int:item_id>/uploads/<sha256>"}
    assert "pairing.link" in PUBLIC_ENDPOINTS  # how a phone gets in: tested in test_pairing
