"""Which visits a pull tells a phone to keep ready for use with no signal (issue 24)."""

from datetime import time

from tests.api.conftest import Phone
from tests.days import in_days
from webapp.extensions import db
from webapp.services import accounts, cases, devices, visits


def _visit(case, clinician, day):
    visit = visits.add_visit(case, clinician.id, day, time(10, 30), "Clinic 3")
    db.session.commit()
    return visit


def _kept(phone):
    return {row["id"]: row for row in phone.pull().get_json()["keep"]}


def test_a_pull_names_the_visits_from_a_week_ago_to_a_fortnight_ahead(phone, visit):
    case, clinician = visit.case, visit.clinician
    today = _visit(case, clinician, in_days(0))
    last_week = _visit(case, clinician, in_days(-7))
    too_old = _visit(case, clinician, in_days(-8))
    fortnight = _visit(case, clinician, in_days(14))
    too_far = _visit(case, clinician, in_days(15))
    kept = _kept(phone)
    assert set(kept) == {visit.id, today.id, last_week.id, fortnight.id}
    assert {too_old.id, too_far.id}.isdisjoint(kept)
    assert kept[today.id]["day"] == in_days(0).isoformat()
    assert kept[visit.id]["pages"] == [f"/visits/{visit.id}", f"/visits/{visit.id}/debrief",
                                       f"/visits/{visit.id}/questions", "/phone"]
    # A visit moved to next month leaves the list: the phone drops its pages.
    visits.update_visit(today, clinician.id, in_days(31), time(10, 30), "Clinic 3")
    db.session.commit()
    assert today.id not in _kept(phone)


def test_a_companions_phone_keeps_only_her_cases_visits(app, owner, visit):
    other_child = cases.add_child(owner.household_id, name="Ben", birth_date=in_days(-3000),
                                  medicines="", allergies="")
    other_case = cases.add_case(other_child, diagnosis="Knee pain", reasons=[],
                                safe_to_wait="yes")
    other = _visit(other_case, visit.clinician, in_days(1))
    companion = accounts.invite_companion(visit.case, "Grandpa Joe")
    device, token = devices.register_device(companion, "Joe's phone")
    db.session.commit()
    kept = _kept(Phone(app.test_client(), device, token))
    assert set(kept) == {visit.id}
    assert other.id not in kept
