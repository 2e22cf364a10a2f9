"""How long the care team said it is safe to wait, checked against each visit's date."""

from datetime import time

import pytest

from tests.days import in_days, long_date
from webapp.extensions import db
from webapp.models import Case
from webapp.services import cases, decisions, visits

LATE = "This visit is later than the team said is safe."
CALL = "Please call your child's care team"


def case_form(**changes):
    return {"condition": "Leukaemia", "diagnosis": "Acute lymphoblastic leukaemia",
            "safe_to_wait": "yes", "safe_wait_for": "3", "safe_wait_unit": "weeks", **changes}


def safe_for(case, days):
    """Say the team gave `days` days from today."""
    cases.update_case(case, safe_to_wait="yes", safe_wait_for=days, safe_wait_unit="days")
    db.session.commit()


def test_the_form_asks_how_long_beside_the_answer(signed_in, visit):
    page = signed_in.get(f"/children/{visit.case.child_id}/cases/new").text
    assert "If they said it is safe to wait: for how long?" in page
    assert 'name="safe_wait_for"' in page and 'name="safe_wait_unit"' in page


def test_how_long_is_kept_and_counted_from_today(signed_in, visit):
    response = signed_in.post(f"/cases/{visit.case_id}", data=case_form())
    assert response.status_code == 303
    case = db.session.get(Case, visit.case_id)
    assert (case.safe_wait_for, case.safe_wait_unit, case.safe_until) == (3, "weeks", in_days(21))
    page = signed_in.get(f"/cases/{case.id}").text
    assert f"safe to wait 3 weeks, counted from {long_date(in_days(0))}" in page
    assert f"until {long_date(in_days(21))}" in page
    assert 'value="3"' in signed_in.get(f"/cases/{case.id}/edit").text


def test_saving_again_does_not_move_the_safe_date(signed_in, visit):
    safe_for(visit.case, 10)
    visit.case.safe_wait_from = in_days(-5)  # written down five days ago
    db.session.commit()
    signed_in.post(f"/cases/{visit.case_id}", data=case_form(safe_wait_for="10",
                                                              safe_wait_unit="days"))
    assert db.session.get(Case, visit.case_id).safe_until == in_days(5)
    signed_in.post(f"/cases/{visit.case_id}", data=case_form(safe_wait_for=""))
    case = db.session.get(Case, visit.case_id)
    assert (case.safe_wait_for, case.safe_wait_unit, case.safe_until) == (None, "", None)


@pytest.mark.parametrize("changes, message", [
    ({"safe_wait_for": "three"}, "Write a whole number from 1 to 365"),
    ({"safe_wait_for": "0"}, "Write a whole number from 1 to 365"),
    ({"safe_to_wait": "no"}, "Choose that answer, or clear the number."),
    ({"safe_wait_unit": "months"}, "Choose days or weeks."),
])
def test_a_wrong_length_is_refused_and_nothing_stored(signed_in, visit, changes, message):
    response = signed_in.post(f"/cases/{visit.case_id}", data=case_form(**changes))
    assert response.status_code == 422
    assert message in response.text
    case = db.session.get(Case, visit.case_id)
    assert (case.safe_to_wait, case.safe_wait_for) == ("yes", None)


@pytest.mark.parametrize("visit_in, late", [(20, False), (21, False), (22, True)])
def test_a_visit_after_the_safe_date_says_to_call_the_team(signed_in, visit, visit_in, late):
    safe_for(visit.case, 21)
    visit.day = in_days(visit_in)
    db.session.commit()
    for url in (f"/visits/{visit.id}/before", f"/cases/{visit.case_id}", "/"):
        page = signed_in.get(url).text
        assert (LATE in page) is late, url
        assert (CALL in page) is late, url
    if late:
        assert long_date(in_days(21)) in signed_in.get("/").text


def test_a_third_opinion_booked_too_late_is_named_alone(signed_in, visit, owner):
    safe_for(visit.case, 21)
    second = cases.add_clinician(owner.household_id, name="Dr Lindqvist")
    third = cases.add_clinician(owner.household_id, name="Dr Mensah")
    visits.add_visit(visit.case, second.id, in_days(14), time(10, 0), "")
    late = visits.add_visit(visit.case, third.id, in_days(30), time(10, 0), "")
    db.session.commit()
    page = signed_in.get(f"/cases/{visit.case_id}").text
    assert page.count(LATE) == 1
    assert page.index("Dr Mensah") < page.index(LATE)  # on the third visit's card
    assert LATE in signed_in.get(f"/visits/{late.id}/before").text
    assert LATE not in signed_in.get(f"/visits/{visit.id}/before").text


def test_booking_shows_the_safe_date_beside_the_date(signed_in, visit):
    safe_for(visit.case, 21)
    page = signed_in.get(f"/cases/{visit.case_id}/visits/new").text
    assert f"safe to wait until {long_date(in_days(21))}. If this date is later, call them" in page


def test_with_no_length_given_the_old_reminder_still_holds(signed_in, visit):
    visit.case.safe_to_wait = "not-asked"
    visit.day = in_days(40)
    db.session.commit()
    page = signed_in.get(f"/visits/{visit.id}/before").text
    assert "Is it safe to wait until then?" in page and LATE not in page
    visit.day = in_days(10)
    db.session.commit()
    assert "Is it safe to wait until then?" not in signed_in.get(f"/visits/{visit.id}/before").text


PASSED = "The time the team said was safe to wait has passed."


def test_deciding_says_the_safe_date_and_when_it_has_passed(signed_in, visit):
    safe_for(visit.case, 21)
    page = signed_in.get(f"/cases/{visit.case_id}/decision").text
    assert f"Safe to wait until {long_date(in_days(21))}." in page
    assert "If a third opinion or more time would go past that date" in page
    visit.case.safe_wait_from = in_days(-22)  # written 22 days ago: a day past
    db.session.commit()
    page = signed_in.get(f"/cases/{visit.case_id}/decision").text
    assert PASSED in page and long_date(in_days(-1)) in page
    assert "please call your child's care team" in page


def test_a_reopened_decision_checks_the_safe_date_again(signed_in, visit):
    safe_for(visit.case, 7)
    visit.case.safe_wait_from = in_days(-30)
    decision = decisions.decide(visit.case, option="continue", reasons="Clear plan",
                                decided_on=in_days(-20))
    db.session.commit()
    assert PASSED not in signed_in.get(f"/cases/{visit.case_id}/decision").text  # decided
    decisions.reopen(decision, "The scan changed")
    db.session.commit()
    assert PASSED in signed_in.get(f"/cases/{visit.case_id}/decision").text


def test_with_no_length_given_deciding_says_nothing_of_it(signed_in, visit):
    page = signed_in.get(f"/cases/{visit.case_id}/decision").text
    assert "Safe to wait until" not in page and PASSED not in page
