"""Every letter says when and from whom, with the family's address if they give one,
and the condition reads as part of the sentence (issue 26, item 6)."""

from datetime import date

import pytest

from webapp.extensions import db
from webapp.models import Decision, Household
from webapp.services import cases

CASE_LETTERS = ["referral", "records"]
DECISION_LETTERS = ["tell-first", "thank-second", "transfer"]


@pytest.fixture
def decided(signed_in, owner, visit):
    visit.case.condition = "Possible juvenile idiopathic arthritis"
    second = cases.add_clinician(owner.household_id, name="Dr Lindqvist")
    cases.set_doctors(visit.case, visit.clinician_id, second.id)
    decision = Decision(case=visit.case, household_id=visit.household_id, option="switch",
                        reasons="Closer to home", decided_on=date.today())
    db.session.add(decision)
    db.session.commit()
    return decision


def printed(client, decision, key):
    if key in CASE_LETTERS:
        return client.get(f"/cases/{decision.case_id}/letters/{key}/print").text
    return client.get(f"/decisions/{decision.id}/letters/{key}").text


@pytest.mark.parametrize("key", CASE_LETTERS + DECISION_LETTERS)
def test_each_letter_begins_with_the_sender_and_the_date(signed_in, decided, key):
    page = printed(signed_in, decided, key)
    assert f"Sam\n\n{date.today():%-d %B %Y}\n\nDear " in page


@pytest.mark.parametrize("key", CASE_LETTERS + DECISION_LETTERS)
def test_the_familys_address_goes_under_the_senders_name(signed_in, decided, key):
    response = signed_in.post(f"/cases/{decided.case_id}/letters/address",
                              data={"address": " 12 Oak Road\r\n\r\nLeeds LS1 2AB \r\n"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/letters#address")
    page = printed(signed_in, decided, key)
    assert f"Sam\n12 Oak Road\nLeeds LS1 2AB\n\n{date.today():%-d %B %Y}\n\nDear " in page


def test_the_address_can_be_taken_away_and_too_long_is_refused(signed_in, decided):
    url = f"/cases/{decided.case_id}/letters/address"
    signed_in.post(url, data={"address": "12 Oak Road"})
    response = signed_in.post(url, data={"address": "x" * 1000})
    assert response.status_code == 422 and "Keep the address" in response.text
    assert "x" * 1000 in response.text  # what was typed stays in the box
    assert db.session.get(Household, decided.household_id).address == "12 Oak Road"
    signed_in.post(url, data={"address": "  "})
    assert db.session.get(Household, decided.household_id).address == ""


def test_the_letters_page_offers_the_address_field(signed_in, decided):
    page = signed_in.get(f"/cases/{decided.case_id}/letters").text
    assert '<label class="label" for="address">' in page


def test_the_condition_reads_as_part_of_the_sentence(signed_in, decided):
    tell = printed(signed_in, decided, "tell-first")
    assert "about Ada&#39;s possible juvenile idiopathic arthritis," in tell
    referral = printed(signed_in, decided, "referral")
    assert "under your care for possible juvenile idiopathic arthritis." in referral
