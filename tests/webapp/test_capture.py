"""Capturing at the visit: bad input gets a clear message, keeps the text, stores nothing."""

import uuid

import pytest
from markupsafe import escape

from tests.days import in_days, years_ago
from webapp.extensions import db
from webapp.models import Answer, Case, Child, ConsentEvent, Note

TOO_LONG = "x" * 10_001
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_empty_note_gets_an_inline_message_and_nothing_is_stored(hx, visit):
    response = hx.post(f"/visits/{visit.id}/notes", {"text": "   "}, target="notes")
    assert response.status_code == 422
    assert "Write a note before saving." in response.text
    assert Note.query.count() == 0


def test_a_note_over_ten_thousand_characters_is_refused_but_kept_in_the_field(hx, visit):
    response = hx.post(f"/visits/{visit.id}/notes", {"text": TOO_LONG, "tags": ["risk"]},
                       target="notes")
    assert response.status_code == 422
    assert "please keep it under 10,000 characters" in response.text
    assert f">{TOO_LONG}</textarea>" in response.text
    assert 'value="risk" id="tag-risk" checked' in response.text
    assert Note.query.count() == 0


def test_without_js_a_bad_note_shows_the_whole_page_with_the_text_kept(signed_in, visit):
    response = signed_in.post(f"/visits/{visit.id}/notes", data={"text": TOO_LONG})
    assert response.status_code == 422
    assert response.text.lstrip().startswith("<!doctype html>")
    assert f">{TOO_LONG}</textarea>" in response.text


def test_a_note_at_the_limit_is_saved_with_its_tags_and_author(hx, visit):
    hx.post(f"/visits/{visit.id}/notes", {"text": "y" * 10_000, "tags": ["risk", "look-up"]},
            target="notes")
    note = Note.query.one()
    assert len(note.text) == 10_000 and note.tags == ["risk", "look-up"]
    assert note.author.name == "Sam"


def test_unknown_tags_are_refused(hx, visit):
    response = hx.post(f"/visits/{visit.id}/notes", {"text": "ok", "tags": ["made-up"]},
                       target="notes")
    assert response.status_code == 422
    assert "Choose from the tags shown." in response.text
    assert Note.query.count() == 0


def test_the_page_made_id_is_used_and_a_repeat_post_stores_one_note(hx, visit):
    note_id = str(uuid.uuid4())
    for _ in range(2):
        hx.post(f"/visits/{visit.id}/notes", {"text": "Once", "id": note_id}, target="notes")
    assert [str(n.id) for n in Note.query.all()] == [note_id]


def test_a_malformed_id_is_refused(hx, visit):
    response = hx.post(f"/visits/{visit.id}/notes", {"text": "ok", "id": "not-a-uuid"},
                       target="notes")
    assert response.status_code == 422
    assert Note.query.count() == 0


@pytest.mark.parametrize("endpoint", ["notes", "answer", "consent", "case"])
def test_html_typed_anywhere_is_shown_as_text(hx, visit, endpoint):
    evil = '<script>alert("x")</script><b>bold</b>'
    question = visit.questions[0]
    if endpoint == "notes":
        hx.post(f"/visits/{visit.id}/notes", {"text": evil})
    elif endpoint == "answer":
        hx.post(f"/visits/{visit.id}/questions/{question.id}/answers", {"text": evil})
    elif endpoint == "consent":
        hx.post(f"/visits/{visit.id}/consent", {"kind": "agreed", "who": evil})
    else:
        visit.case.diagnosis = evil
        db.session.commit()
    for url in (f"/visits/{visit.id}", f"/visits/{visit.id}/summary"):
        page = hx.client.get(url).text
        assert "<script>alert" not in page and "<b>bold</b>" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page


def test_answer_validation_stays_under_its_own_question(hx, visit):
    first, second = visit.questions
    response = hx.post(f"/visits/{visit.id}/questions/{first.id}/answers", {"text": TOO_LONG},
                       target=f"question-{first.id}")
    assert response.status_code == 422
    assert f'id="answer-{first.id}-error"' in response.text
    assert f">{TOO_LONG}</textarea>" in response.text
    assert Answer.query.count() == 0


def test_an_answer_appears_under_its_question(hx, visit):
    question = visit.questions[0]
    response = hx.post(f"/visits/{visit.id}/questions/{question.id}/answers",
                       {"text": "She agrees with the diagnosis"}, target=f"question-{question.id}")
    assert "She agrees with the diagnosis" in response.text
    assert "Answer saved." in response.text


def test_consent_needs_who_and_a_known_answer(hx, visit):
    missing_who = hx.post(f"/visits/{visit.id}/consent", {"kind": "agreed", "who": ""})
    assert missing_who.status_code == 422 and "Write who you asked." in missing_who.text
    odd_kind = hx.post(f"/visits/{visit.id}/consent", {"kind": "maybe", "who": "Dr Okafor"})
    assert odd_kind.status_code == 422 and "Choose what they said." in odd_kind.text
    assert ConsentEvent.query.count() == 0


def test_consent_then_withdrawal_is_logged_with_who_and_when(hx, visit):
    hx.post(f"/visits/{visit.id}/consent", {"kind": "agreed", "who": "Dr Okafor"})
    page = hx.client.get(f"/visits/{visit.id}").text
    assert "Dr Okafor agreed at" in page
    assert "Record that they withdrew</button>" in page  # an action, offered after an agreement
    hx.post(f"/visits/{visit.id}/consent", {"kind": "withdrawn", "who": "Dr Okafor"})
    page = hx.client.get(f"/visits/{visit.id}").text
    assert "Dr Okafor withdrew permission at" in page and "Do not record." in page
    assert "Record that they withdrew" not in page  # nothing left to withdraw
    summary = hx.client.get(f"/visits/{visit.id}/summary").text
    assert summary.index("agreed to recording") < summary.index("withdrew permission")


@pytest.mark.parametrize("url, data, field, message", [
    ("/children", {"name": "", "birth_date": "{born}"}, "name", "Enter your child's name."),
    ("/children", {"name": "Ada", "birth_date": "soon"}, "birth_date", "Enter the date of birth"),
    ("/children", {"name": "Ada", "birth_date": "{tomorrow}"}, "birth_date",
     "cannot be in the future"),
    ("/children/{child}/cases", {"diagnosis": "", "safe_to_wait": "yes"}, "diagnosis",
     "Write the diagnosis so far"),
    ("/children/{child}/cases", {"diagnosis": "ALL"}, "safe_to_wait", "Choose one answer."),
    ("/children/{child}/cases", {"diagnosis": "ALL", "safe_to_wait": "yes", "reasons": ["bogus"]},
     "reasons", "Choose from the reasons shown."),
    ("/clinicians", {"name": ""}, "name", "Enter the clinician's name."),
    ("/cases/{case}/visits", {"clinician_id": "999", "day": "{today}"}, "clinician_id",
     "Choose who you are seeing."),
    ("/cases/{case}/visits", {"clinician_id": "{clinician_in_arabic}", "day": "{today}"},
     "clinician_id", "Choose who you are seeing."),  # int() reads them; the form does not
    ("/cases/{case}/visits", {"clinician_id": "{clinician}", "day": ""}, "day",
     "Enter the date of the visit."),
    ("/cases/{case}/visits", {"clinician_id": "{clinician}", "day": "{today}",
                              "start_time": "half nine"}, "start_time", "Enter the time"),
])
def test_forms_explain_each_mistake_and_store_nothing(signed_in, visit, url, data, field, message):
    ids = {"child": visit.case.child_id, "case": visit.case_id, "clinician": visit.clinician_id,
           "clinician_in_arabic": str(visit.clinician_id).translate(ARABIC_INDIC),
           "today": in_days(0), "tomorrow": in_days(1), "born": years_ago(10, 1, 1)}
    data = {k: v.format(**ids) if isinstance(v, str) else v for k, v in data.items()}
    before = (Child.query.count(), Case.query.count(), len(visit.case.visits))
    response = signed_in.post(url.format(**ids), data=data)
    assert response.status_code == 422
    assert escape(message) in response.text
    assert f'id="{field.replace("_", "-")}-error"' in response.text or field == "reasons"
    assert (Child.query.count(), Case.query.count(), len(visit.case.visits)) == before


def test_the_whole_preparation_walk_without_javascript(signed_in, visit):
    child = signed_in.post("/children", data={"name": "Cleo",
                                              "birth_date": years_ago(7, 5, 5).isoformat(),
                                              "allergies": "Nuts"})
    child_url = child.headers["Location"]
    case = signed_in.post(f"{child_url}/cases", data={
        "condition": "hip dysplasia", "diagnosis": "Hip dysplasia", "proposed_treatment": "Surgery",
        "reasons": ["surgery-proposed", "several-treatments"], "safe_to_wait": "not-asked"})
    case_page = signed_in.get(case.headers["Location"]).text
    assert "Surgery has been proposed" in case_page and "Please ask your child" in case_page
    visit_response = signed_in.post(f"{case.headers['Location']}/visits", data={
        "clinician_id": str(visit.clinician_id), "day": in_days(17).isoformat(),
        "start_time": "14:15"})
    assert visit_response.headers["Location"].endswith("/questions")
