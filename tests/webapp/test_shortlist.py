"""The specialist shortlist, choosing one for a visit, the trials link (issue 11, item 5)."""

from urllib.parse import parse_qs, urlsplit

from webapp.extensions import db
from webapp.models import Candidate, Clinician
from webapp.services import shortlist

SPECIALIST = {"name": "Dr Ines Moreau", "centre": "Lyon Children's", "specialty": "Haematology",
              "board_certified": "yes", "in_network": "no", "experience": "About 40 a year",
              "found_via": "Our doctor", "note": "Speaks English"}


def test_add_a_specialist_and_see_everything_noted(signed_in, visit):
    response = signed_in.post(f"/cases/{visit.case_id}/shortlist", data=SPECIALIST)
    assert response.status_code == 303
    page = signed_in.get(f"/cases/{visit.case_id}/shortlist").text
    for value in ("Dr Ines Moreau", "About 40 a year", "Our doctor", "Speaks English"):
        assert value in page
    assert "<dt>In network</dt><dd>No</dd>" in page


def test_a_specialist_needs_a_name_and_known_answers(signed_in, visit):
    response = signed_in.post(f"/cases/{visit.case_id}/shortlist",
                              data={**SPECIALIST, "name": "", "in_network": "maybe"})
    assert response.status_code == 422
    assert "Enter the specialist&#39;s name." in response.text
    assert "Choose yes, no or not sure." in response.text
    assert Candidate.query.count() == 0


def test_change_with_the_same_checks(signed_in, visit):
    candidate = shortlist.add_candidate(visit.case, name="Dr Moreau")
    db.session.commit()
    form = signed_in.get(f"/cases/{visit.case_id}/shortlist/{candidate.id}/edit").text
    assert 'value="unknown" checked' in form and 'value="no" checked' not in form
    bad = signed_in.post(f"/cases/{visit.case_id}/shortlist/{candidate.id}", data={"name": ""})
    assert bad.status_code == 422
    signed_in.post(f"/cases/{visit.case_id}/shortlist/{candidate.id}", data=SPECIALIST)
    db.session.expire_all()
    assert Candidate.query.one().in_network == "no"


def test_choosing_makes_a_clinician_once_and_opens_the_visit_form_with_them(signed_in, visit):
    candidate = shortlist.add_candidate(visit.case, name="Dr Moreau", specialty="Haematology")
    db.session.commit()
    before = Clinician.query.count()
    for _ in range(2):
        response = signed_in.post(f"/cases/{visit.case_id}/shortlist/{candidate.id}/choose")
    assert Clinician.query.count() == before + 1
    clinician = Clinician.query.filter_by(name="Dr Moreau").one()
    assert response.headers["Location"].endswith(
        f"/cases/{visit.case_id}/visits/new?clinician_id={clinician.id}")
    form = signed_in.get(response.headers["Location"]).text
    assert f'<option value="{clinician.id}" selected>Dr Moreau, Haematology</option>' in form


def test_the_trials_link_carries_only_the_words(signed_in, visit):
    visit.case.condition = "Acute lymphoblastic leukaemia"
    db.session.commit()
    page = signed_in.get(f"/cases/{visit.case_id}/shortlist").text
    assert "https://clinicaltrials.gov/search?cond=Acute+lymphoblastic+leukaemia" in page
    query = parse_qs(urlsplit(shortlist.trials_link(" bone & joint ")).query)
    assert query == {"cond": ["bone & joint"], "aggFilters": ["ages:child"]}
    page = signed_in.get(f"/cases/{visit.case_id}/shortlist?words=leukaemia").text
    assert "cond=leukaemia&amp;" in page and "Acute+lymphoblastic" not in page


def test_remove_and_another_households_shortlist(signed_in, visit, stranger):
    candidate = shortlist.add_candidate(visit.case, name="Dr Moreau")
    theirs = shortlist.add_candidate(stranger.case, name="Dr Theirs")
    db.session.commit()
    assert signed_in.get(f"/cases/{stranger.case_id}/shortlist").status_code == 404
    assert signed_in.post(f"/cases/{visit.case_id}/shortlist/{theirs.id}/delete").status_code == 404
    assert signed_in.post(f"/cases/{visit.case_id}/shortlist/{theirs.id}/choose").status_code == 404
    signed_in.post(f"/cases/{visit.case_id}/shortlist/{candidate.id}/delete")
    assert [c.name for c in Candidate.query.all()] == ["Dr Theirs"]


def test_a_clinician_added_while_planning_a_visit_is_the_one_chosen(signed_in, visit):
    """Another clinician exists already: the one just added is chosen, not the first listed."""
    form = f"/cases/{visit.case_id}/visits/new"
    response = signed_in.post("/clinicians", data={"name": "Dr Moreau", "specialty": "Haematology",
                                                   "centre": "", "next": form})
    clinician = Clinician.query.filter_by(name="Dr Moreau").one()
    assert response.headers["Location"] == f"{form}?clinician_id={clinician.id}"
    page = signed_in.get(response.headers["Location"]).text
    assert f'<option value="{clinician.id}" selected>Dr Moreau, Haematology</option>' in page
    assert "Dr Okafor, Haematology</option>" in page  # still offered, not chosen
    # Added from the list of clinicians: back to that list, as before.
    response = signed_in.post("/clinicians", data={"name": "Dr Lee", "specialty": "", "centre": ""})
    assert response.headers["Location"] == "/clinicians"
