"""Change a child, a case, a clinician or a visit with the checks of adding one;
remove a visit or a case only after saying what goes with it (issue 11, item 7)."""

from datetime import time

import pytest
from markupsafe import escape

from tests.days import in_days, years_ago
from webapp.extensions import db
from webapp.models import Case, Change, Child, Clinician, Visit, VisitCheck, VisitQuestion
from webapp.services import accounts, capture, debriefs, decisions, schedule

# (form url, post url, a good form, the field changed and its new value)
# What each edit should read back is worked out when the test runs, as the form's values
# are: counted at collection, a run that crossed midnight expected yesterday's dates.
EDITS = {
    "child": ("/children/{child}/edit", "/children/{child}",
              {"name": "Ada Lovelace", "birth_date": "{born}", "conditions": "Asthma"},
              lambda v: (v.case.child.name, v.case.child.birth_date),
              lambda: ("Ada Lovelace", years_ago(10, 4, 3))),
    "case": ("/cases/{case}/edit", "/cases/{case}",
             {"condition": "leukaemia", "diagnosis": "ALL, B-cell",
              "reasons": ["test-result", "clinical-trials"], "safe_to_wait": "unsure"},
             lambda v: (v.case.diagnosis, v.case.reasons, v.case.safe_to_wait),
             lambda: ("ALL, B-cell", ["test-result", "clinical-trials"], "unsure")),
    "clinician": ("/clinicians/{clinician}/edit", "/clinicians/{clinician}",
                  {"name": "Dr Okafor-Bell", "specialty": "Haematology"},
                  lambda v: (v.clinician.name, v.clinician.centre), lambda: ("Dr Okafor-Bell", "")),
    "visit": ("/visits/{visit}/edit", "/visits/{visit}/edit",
              {"clinician_id": "{clinician}", "day": "{later}", "start_time": "14:00"},
              lambda v: (v.day, v.start_time, v.place), lambda: (in_days(52), time(14), "")),
}

# The same mistakes the add forms refuse (tests/webapp/test_capture.py), refused here too.
MISTAKES = [
    ("child", {"name": "", "birth_date": "{born}"}, "name", "Enter your child's name."),
    ("child", {"name": "Ada", "birth_date": "{tomorrow}"}, "birth_date",
     "The date of birth cannot be in the future."),
    ("case", {"diagnosis": "x"}, "safe_to_wait", "Choose one answer."),
    ("case", {"diagnosis": "x", "safe_to_wait": "yes", "reasons": ["bogus"]}, "reasons",
     "Choose from the reasons shown."),
    ("clinician", {"name": " "}, "name", "Enter the clinician's name."),
    ("visit", {"clinician_id": "{clinician}", "day": "soon"}, "day", "Enter the date as a date"),
    ("visit", {"clinician_id": "{foreign}", "day": "{later}"}, "clinician_id",
     "Choose who you are seeing."),
]


def ids(visit, stranger=None):
    return {"child": visit.case.child_id, "case": visit.case_id, "clinician": visit.clinician_id,
            "visit": visit.id, "foreign": stranger.clinician_id if stranger else 0, **days()}


def days():
    return {"born": years_ago(10, 4, 3), "later": in_days(52), "tomorrow": in_days(1)}


def fill(data, values):
    return {k: v.format(**values) if isinstance(v, str) else v for k, v in data.items()}


def snapshot():
    return [tuple(getattr(row, c.name) for c in model.__table__.columns)
            for model in (Child, Case, Clinician, Visit) for row in model.query.all()]


@pytest.mark.parametrize("what", list(EDITS))
def test_the_form_opens_filled_and_a_change_is_saved(signed_in, visit, what):
    form_url, post_url, good, read, expected = EDITS[what]
    values = ids(visit)
    page = signed_in.get(form_url.format(**values))
    assert page.status_code == 200 and "Save changes" in page.text
    response = signed_in.post(post_url.format(**values), data=fill(good, values))
    assert response.status_code == 303, response.text
    db.session.expire_all()
    assert read(db.session.get(Visit, visit.id)) == expected()


@pytest.mark.parametrize("what, data, field, message", MISTAKES)
def test_a_change_is_checked_as_when_adding_and_nothing_is_stored(signed_in, visit, stranger,
                                                                  what, data, field, message):
    values = ids(visit, stranger)
    before = snapshot()
    response = signed_in.post(EDITS[what][1].format(**values), data=fill(data, values))
    assert response.status_code == 422
    assert str(escape(message)) in response.text
    assert snapshot() == before


def test_the_case_form_opens_with_its_ticks(signed_in, visit):
    page = signed_in.get(f"/cases/{visit.case_id}/edit").text
    assert 'value="test-result" checked' in page
    assert 'id="safe-to-wait-yes" name="safe_to_wait" value="yes" checked' in page


def test_removing_a_visit_says_what_goes_then_removes_it_all(signed_in, visit, owner):
    schedule.set_check(visit, owner, "records", True)
    db.session.commit()
    page = signed_in.get(f"/visits/{visit.id}/delete").text
    assert "2 prepared questions" in page and "1 checklist tick" in page
    assert "Yes, remove it" in page
    question_ids = {str(q.id) for q in visit.questions}
    case_id = visit.case_id
    response = signed_in.post(f"/visits/{visit.id}/delete")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/cases/{case_id}")
    assert (Visit.query.count(), VisitQuestion.query.count(), VisitCheck.query.count()) == (0, 0, 0)
    gone = {c.entity_id for c in Change.query.filter_by(deleted=True)}
    assert question_ids <= gone  # phones drop their copies on the next pull


def test_a_visit_with_notes_stays(signed_in, visit, owner):
    capture.add_note(visit, owner, "Said to repeat the scan")
    db.session.commit()
    page = signed_in.get(f"/visits/{visit.id}/delete").text
    assert "so it stays" in page and "Yes, remove it" not in page
    response = signed_in.post(f"/visits/{visit.id}/delete")
    assert response.status_code == 422
    assert Visit.query.count() == 1 and VisitQuestion.query.count() == 2


def test_a_visit_with_a_debrief_stays(signed_in, visit, owner):
    debriefs.save_debrief(visit, owner, heard="Six weeks of rest")
    db.session.commit()
    assert signed_in.post(f"/visits/{visit.id}/delete").status_code == 422
    assert Visit.query.count() == 1


def test_a_case_with_a_decision_stays(signed_in, visit):
    decisions.decide(visit.case, option="switch", reasons="Closer to home",
                     decided_on=in_days(10))
    db.session.commit()
    assert "how you decided" in signed_in.get(f"/cases/{visit.case_id}/delete").text
    assert signed_in.post(f"/cases/{visit.case_id}/delete").status_code == 422
    assert Case.query.count() == 1


def test_removing_a_case_takes_its_visits(signed_in, visit):
    page = signed_in.get(f"/cases/{visit.case_id}/delete").text
    assert "Acute lymphoblastic leukaemia" in page and "the visit with Dr Okafor" in page
    child_id = visit.case.child_id
    response = signed_in.post(f"/cases/{visit.case_id}/delete")
    assert response.headers["Location"].endswith(f"/children/{child_id}")
    assert (Case.query.count(), Visit.query.count(), Child.query.count()) == (0, 0, 1)


def test_a_case_with_a_companion_stays(signed_in, visit):
    accounts.invite_companion(visit.case, "Grandma Rosa")
    db.session.commit()
    assert "People were invited" in signed_in.get(f"/cases/{visit.case_id}/delete").text
    assert signed_in.post(f"/cases/{visit.case_id}/delete").status_code == 422
    assert Case.query.count() == 1


def test_another_households_rows_cannot_be_changed_or_removed(signed_in, stranger):
    values = {"child": stranger.case.child_id, "case": stranger.case_id,
              "clinician": stranger.clinician_id, "visit": stranger.id, **days()}
    before = snapshot()
    for form_url, post_url, good, _, _ in EDITS.values():
        assert signed_in.get(form_url.format(**values)).status_code == 404
        assert signed_in.post(post_url.format(**values),
                              data=fill(good, {**values, "clinician": 1})).status_code == 404
    for url in (f"/visits/{stranger.id}/delete", f"/cases/{stranger.case_id}/delete"):
        assert signed_in.post(url).status_code == 404
    assert snapshot() == before


def test_a_not_asked_answer_opens_with_that_one_radio_checked(signed_in, visit):
    visit.case.safe_to_wait = "not-asked"
    db.session.commit()
    page = signed_in.get(f"/cases/{visit.case_id}/edit").text
    assert 'value="not-asked" checked' in page
    assert 'value="no" checked' not in page  # "no" is in "not-asked": lists, not substrings
