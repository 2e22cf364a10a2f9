"""Scripts and letters for the current doctor, filled from the case (issue 11, item 2)."""

from datetime import date

from tests.days import in_days, long_date, years_ago
from webapp.extensions import db
from webapp.models import CaseWording


def test_drafts_are_filled_from_the_case(signed_in, visit):
    visit.case.condition = "Acute lymphoblastic leukaemia"
    db.session.commit()
    page = signed_in.get(f"/cases/{visit.case_id}/letters").text
    assert "Raising a second opinion" in page and "Letter asking for the records" in page
    assert f"Ada, born {long_date(visit.case.child.birth_date)}" in page
    assert "for acute lymphoblastic leukaemia" in page  # mid-sentence, no capital
    assert "[the doctor or the records office]" in page
    assert "Yours sincerely,\nSam" in page
    assert f"{date.today():%-d %B %Y}" in page


def test_the_fill_in_form_sets_the_range_and_whom_to(signed_in, visit):
    first, last = years_ago(1, 6, 1), in_days(-7)
    page = signed_in.get(f"/cases/{visit.case_id}/letters?send_to=Dr+Patel"
                         f"&from_date={first}&to_date={last}").text
    assert "Dear Dr Patel," in page
    assert f"from {long_date(first)} to {long_date(last)}" in page


def test_a_wrong_date_in_the_fill_in_form_is_explained(signed_in, visit):
    response = signed_in.get(f"/cases/{visit.case_id}/letters?from_date=June")
    assert response.status_code == 200
    assert "Enter the date as a date, for example 2025-06-01." in response.text
    assert "[the first date]" in response.text


def test_the_familys_wording_is_kept_printed_and_can_go_back_to_the_draft(signed_in, visit):
    mine = "Dear Dr Lee,\n<b>Please</b> send Ada's scans."
    response = signed_in.post(f"/cases/{visit.case_id}/letters/records", data={"text": mine})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/letters#records")
    page = signed_in.get(f"/cases/{visit.case_id}/letters").text
    assert "&lt;b&gt;Please&lt;/b&gt;" in page and "(your wording)" in page
    printed = signed_in.get(f"/cases/{visit.case_id}/letters/records/print").text
    assert "send Ada&#39;s scans." in printed and "<b>Please" not in printed
    signed_in.post(f"/cases/{visit.case_id}/letters/records/draft")
    assert CaseWording.query.count() == 0


def test_an_empty_letter_is_refused_and_nothing_stored(signed_in, visit):
    response = signed_in.post(f"/cases/{visit.case_id}/letters/referral", data={"text": "  "})
    assert response.status_code == 422
    assert 'id="text-referral-error"' in response.text
    assert CaseWording.query.count() == 0


def test_an_unknown_letter_is_not_found(signed_in, visit):
    assert signed_in.post(f"/cases/{visit.case_id}/letters/ransom",
                          data={"text": "x"}).status_code == 404
    assert signed_in.get(f"/cases/{visit.case_id}/letters/ransom/print").status_code == 404
    assert CaseWording.query.count() == 0


def test_removing_the_case_takes_its_letters(signed_in, visit):
    signed_in.post(f"/cases/{visit.case_id}/letters/raise", data={"text": "Mine"})
    assert signed_in.post(f"/cases/{visit.case_id}/delete").status_code == 303
    db.session.expire_all()
    assert CaseWording.query.count() == 0


def test_another_household_cannot_read_or_write_our_letters(signed_in, stranger):
    assert signed_in.get(f"/cases/{stranger.case_id}/letters").status_code == 404
    assert signed_in.post(f"/cases/{stranger.case_id}/letters/raise",
                          data={"text": "x"}).status_code == 404
    assert CaseWording.query.count() == 0
