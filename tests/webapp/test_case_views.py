"""Is a second opinion right for us now? The check at the start of a case: the
urgency gate first, the reasons, the weaker ones named gently, and each person's
own view, kept per person and shown on the case (issue 11, item 1)."""

import re

import pytest

from webapp.extensions import db
from webapp.models import Case, CaseView
from webapp.services import accounts, pairing

NEW_CASE = {"condition": "hip dysplasia", "diagnosis": "Hip dysplasia",
            "reasons": ["surgery-proposed"], "safe_to_wait": "yes",
            "worries": "The operation at her age", "would_help": "Hearing about a brace first"}


def test_the_form_asks_about_waiting_before_the_reasons_and_names_weak_reasons(signed_in, visit):
    page = signed_in.get(f"/children/{visit.case.child_id}/cases/new").text
    assert page.index("First: is it safe to wait?") < page.index('name="safe_to_wait"') \
        < page.index('name="reasons"') < page.index("Some reasons help less")
    assert "Hoping for better news is very human" in page
    assert page.index("Some reasons help less") < page.index("What worries you most?")


WAIT_NOW = "Talk to your child&#39;s care team today"


def test_the_form_asks_if_it_is_safe_to_wait_first_and_alone(signed_in, visit):
    page = signed_in.get(f"/children/{visit.case.child_id}/cases/new").text
    first = page.index('name="safe_to_wait"')
    assert first < page.index(WAIT_NOW) < page.index('name="diagnosis"') \
        < page.index('name="proposed_treatment"')
    form = page.index(f'action="/children/{visit.case.child_id}/cases"')
    assert form < page.index("First: is it safe to wait?") < first
    before_it = page[form:page.rindex("<input", 0, first)]
    assert not re.search(r'<(textarea|select|input(?![^>]*type="hidden"))', before_it)


@pytest.mark.parametrize("answer, shown", [("no", True), ("yes", False), ("not-asked", False)])
def test_when_treatment_should_not_wait_the_case_says_what_to_do_now_first(
        signed_in, visit, answer, shown):
    response = signed_in.post(f"/children/{visit.case.child_id}/cases",
                              data={**NEW_CASE, "safe_to_wait": answer})
    page = signed_in.get(response.headers["Location"]).text
    assert (WAIT_NOW in page) is shown
    assert ("must not wait for a second opinion" in page) is shown
    if shown:
        assert page.index("<h1") < page.index(WAIT_NOW) < page.index("Summary to read out")


def test_a_new_case_keeps_the_writers_own_view(signed_in, visit, owner):
    response = signed_in.post(f"/children/{visit.case.child_id}/cases", data=NEW_CASE)
    assert response.status_code == 303
    case = Case.query.filter_by(diagnosis="Hip dysplasia").one()
    view = CaseView.query.one()
    assert (view.case_id, view.member_id, view.worries) == (case.id, owner.id,
                                                            "The operation at her age")
    page = signed_in.get(response.headers["Location"]).text
    assert "How each of us sees it" in page and "Hearing about a brace first" in page


def test_a_bad_view_stores_no_case_either(signed_in, visit):
    before = Case.query.count()
    response = signed_in.post(f"/children/{visit.case.child_id}/cases",
                              data={**NEW_CASE, "worries": "x" * 2001})
    assert response.status_code == 422
    assert "Please keep this under 2,000 characters." in response.text
    assert (Case.query.count(), CaseView.query.count()) == (before, 0)


def test_each_person_keeps_their_own_view(app, signed_in, visit, owner):
    signed_in.post(f"/cases/{visit.case_id}/view", data={"worries": "Worry of Sam"})
    partner = accounts.member_for_phone(owner.household_id, new_name="Alex")
    _, token, _ = pairing.start_pairing(partner)
    db.session.commit()
    phone = app.test_client()
    assert phone.post(f"/pair/{token}", data={"name": "Alex's phone"}).status_code == 303
    response = phone.post(f"/cases/{visit.case_id}/view",
                          data={"worries": "Worry of Alex", "would_help": "A second scan"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/cases/{visit.case_id}#views")
    views = {view.member.name: view.worries for view in CaseView.query.all()}
    assert views == {"Sam": "Worry of Sam", "Alex": "Worry of Alex"}
    page = signed_in.get(f"/cases/{visit.case_id}").text
    assert page.index("Worry of Alex") < page.index("Worry of Sam")  # by name
    assert 'Worry of Sam</textarea>' in page  # my own form holds mine


def test_blanking_a_view_removes_it(signed_in, visit):
    signed_in.post(f"/cases/{visit.case_id}/view", data={"worries": "Something"})
    signed_in.post(f"/cases/{visit.case_id}/view", data={"worries": " ", "would_help": ""})
    assert CaseView.query.count() == 0


def test_a_view_with_a_nul_byte_is_refused_beside_its_field(signed_in, visit):
    response = signed_in.post(f"/cases/{visit.case_id}/view", data={"worries": "a\x00b"})
    assert response.status_code == 422
    assert 'id="worries-error"' in response.text
    assert CaseView.query.count() == 0


def test_another_household_cannot_write_a_view_on_our_case(app, visit, stranger):
    from webapp.models import Member

    other = Member.query.filter_by(name="Other").one()
    _, token, _ = pairing.start_pairing(other)
    db.session.commit()
    phone = app.test_client()
    phone.post(f"/pair/{token}", data={"name": "Their phone"})
    assert phone.post(f"/cases/{visit.case_id}/view", data={"worries": "x"}).status_code == 404
    assert CaseView.query.count() == 0
