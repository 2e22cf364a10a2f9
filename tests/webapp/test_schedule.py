"""Before the visit: the checklist, the calendar file, past visits on the case."""

from datetime import date, datetime, time, timedelta

import icalendar

from webapp.extensions import db
from webapp.models import VisitCheck
from webapp.services import accounts, visits


def test_the_checklist_shows_facts_from_the_case(signed_in, visit):
    page = signed_in.get(f"/visits/{visit.id}/before").text
    assert "0 of 5 done" in page
    assert "2 questions on your list" in page
    assert "No one invited yet" in page
    accounts.invite_companion(visit.case, "Grandma Rosa")
    db.session.commit()
    assert "Invited: Grandma Rosa" in signed_in.get(f"/visits/{visit.id}/before").text


def test_ticking_swaps_the_checklist_and_keeps_focus(hx, visit, owner):
    response = hx.post(f"/visits/{visit.id}/before", {"key": "insurance", "done": "true"},
                       target="checklist")
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="checklist"')
    assert "1 of 5 done" in response.text
    button = response.text.split('id="check-insurance"')[1].split(">")[0]
    assert 'aria-pressed="true"' in button and "data-focus" in button
    check = VisitCheck.query.one()
    assert (check.key, check.member_id) == ("insurance", owner.id)
    hx.post(f"/visits/{visit.id}/before", {"key": "insurance", "done": "true"}, target="checklist")
    assert VisitCheck.query.count() == 1  # twice: one tick
    hx.post(f"/visits/{visit.id}/before", {"key": "insurance", "done": "false"}, target="checklist")
    assert VisitCheck.query.count() == 0


def test_a_tick_without_javascript_goes_back_to_the_page(signed_in, visit):
    response = signed_in.post(f"/visits/{visit.id}/before", data={"key": "records", "done": "true"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/visits/{visit.id}/before")


def test_an_unknown_item_is_refused_and_nothing_stored(hx, visit):
    response = hx.post(f"/visits/{visit.id}/before", {"key": "passport", "done": "true"},
                       target="checklist")
    assert response.status_code == 422
    assert "Choose from the checklist." in response.text
    assert VisitCheck.query.count() == 0


def test_the_calendar_file_downloads(signed_in, visit):
    response = signed_in.get(f"/visits/{visit.id}/calendar.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="visit-{visit.day.isoformat()}.ics"'
    body = response.get_data(as_text=True)
    start = icalendar.Calendar.from_ical(body).walk("VEVENT")[0].decoded("DTSTART")
    assert start == datetime.combine(visit.day, time(9, 30)).astimezone()  # this computer's
    assert "Acute lymphoblastic" not in body and "Ada" not in body
    assert response.headers["Cache-Control"] == "no-store"


def test_a_far_visit_with_no_answer_on_waiting_reminds_to_ask(signed_in, visit):
    visit.case.safe_to_wait = "not-asked"
    visit.day = date.today() + timedelta(days=40)
    db.session.commit()
    assert "Is it safe to wait until then?" in signed_in.get(f"/visits/{visit.id}/before").text


def test_past_visits_stay_listed_on_the_case(signed_in, visit):
    past = visits.add_visit(visit.case, visit.clinician_id, date.today() - timedelta(days=30))
    db.session.commit()
    page = signed_in.get(f"/cases/{visit.case_id}").text
    assert f"/visits/{past.id}/before" in page and f"/visits/{visit.id}/before" in page
    assert "past visit" in page


def test_another_household_gets_nothing(signed_in, stranger):
    for url in (f"/visits/{stranger.id}/before", f"/visits/{stranger.id}/calendar.ics"):
        assert signed_in.get(url).status_code == 404
    assert signed_in.post(f"/visits/{stranger.id}/before",
                          data={"key": "records", "done": "true"}).status_code == 404
    assert VisitCheck.query.count() == 0
