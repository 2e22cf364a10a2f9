"""Letters after the decision follow who is who, never the order opinions were written
down in (issue 19, item 1)."""

import html
import re

import pytest

from tests.days import in_days
from webapp.extensions import db
from webapp.models import Decision
from webapp.services import cases, decisions, visits

OPTIONS = [option["key"] for option in decisions.options()]
KINDS = [kind["key"] for kind in decisions.letter_kinds()]

# Per letter: whom it is addressed to, and a phrase naming the other doctor in their role.
EXPECTED = {
    "thank-second": ("Dear {second},", "a copy of your findings to {current}"),
    "tell-first": ("Dear {current},", "We saw {second}"),
    "transfer": ("Dear {current},", "should move to {second}"),
    "family-update": ("Hello everyone,", "{current}, who cares for Ada, and {second}, who gave"),
}


@pytest.fixture
def specialist(owner, visit):
    """The specialist the family saw for the second opinion, at a visit of the case."""
    clinician = cases.add_clinician(owner.household_id, name="Dr Lindqvist",
                                    specialty="Oncology", centre="University Hospital")
    seen = visits.add_visit(visit.case, clinician.id, in_days(14))
    db.session.commit()
    return seen


def write_down(client, case_id, **fields):
    response = client.post(f"/cases/{case_id}/opinions", data={"diagnosis": "ALL", **fields})
    assert response.status_code == 303, response.text


@pytest.mark.parametrize("entry", ["specialist-first", "current-first"])
@pytest.mark.parametrize("option", OPTIONS)
@pytest.mark.parametrize("kind", KINDS)
def test_each_letter_goes_to_the_doctor_of_its_role(signed_in, visit, specialist,
                                                    kind, option, entry):
    case_id, current = visit.case_id, visit.clinician
    from_visit = {"visit_id": specialist.id}  # the specialist's, from the visit
    elsewhere = {"clinician_id": current.id}  # the current doctor's, "given elsewhere"
    for fields in ((from_visit, elsewhere) if entry == "specialist-first"
                   else (elsewhere, from_visit)):
        write_down(signed_in, case_id, **fields)
    response = signed_in.post(f"/cases/{case_id}/doctors", data={
        "current_clinician_id": current.id, "second_clinician_id": specialist.clinician_id})
    assert response.status_code == 303, response.text
    signed_in.post(f"/cases/{case_id}/decisions", data={
        "option": option, "reasons": "Closer to home", "decided_on": in_days(0).isoformat()})
    decision = Decision.query.one()

    response = signed_in.get(f"/decisions/{decision.id}/letters/{kind}")
    if kind == "transfer" and option != "switch":
        assert response.status_code == 404
        return
    names = {"current": current.name, "second": specialist.clinician.name}
    addressee, naming = (part.format(**names) for part in EXPECTED[kind])
    text = html.unescape(re.search(r'<textarea[^>]* id="text"[^>]*>(.*?)</textarea>',
                                   response.text, re.S).group(1))
    opening = next(line for line in text.splitlines() if line.startswith(("Dear ", "Hello ")))
    assert opening == addressee, text
    assert naming in text, text


def test_the_comparison_puts_the_current_doctors_column_first(signed_in, visit, specialist):
    write_down(signed_in, visit.case_id, visit_id=specialist.id)
    write_down(signed_in, visit.case_id, clinician_id=visit.clinician_id)
    page = signed_in.get(f"/cases/{visit.case_id}/compare").text
    assert "Say who is who" in page
    cases.set_doctors(visit.case, visit.clinician_id, specialist.clinician_id)
    db.session.commit()
    header = signed_in.get(f"/cases/{visit.case_id}/compare").text.split("</thead>")[0]
    assert header.index("Dr Okafor") < header.index("Dr Lindqvist")
    assert "(current doctor)" in header and "(second opinion)" in header


@pytest.mark.parametrize("known", ["neither", "current only", "second only"])
@pytest.mark.parametrize("option", OPTIONS)
@pytest.mark.parametrize("kind", KINDS)
def test_until_the_family_says_who_is_who_no_letter_half_names_the_doctors(
        signed_in, visit, specialist, kind, option, known):
    write_down(signed_in, visit.case_id, visit_id=specialist.id)
    write_down(signed_in, visit.case_id, clinician_id=visit.clinician_id)
    cases.set_doctors(visit.case, visit.clinician_id if known == "current only" else None,
                      specialist.clinician_id if known == "second only" else None)
    decision = decisions.decide(visit.case, option=option, reasons="Closer to home",
                                decided_on=in_days(0))
    db.session.commit()
    listing = signed_in.get(f"/decisions/{decision.id}/letters").text
    assert listing.index("Who is who") < listing.index('class="card-list"')
    response = signed_in.get(f"/decisions/{decision.id}/letters/{kind}")
    if kind == "transfer" and option != "switch":
        assert response.status_code == 404
        return
    drafted = re.search(r'<textarea[^>]* id="text"[^>]*>(.*?)</textarea>', response.text, re.S)
    if kind == "family-update":  # it names no doctor until both are known
        text = html.unescape(drafted.group(1))
        assert "[" not in text and "Dr " not in text, text
        return
    assert drafted is None, response.text  # no draft with blanks or a stand-in for a name
    assert "Who is who" in response.text
    assert f'href="/cases/{visit.case_id}/opinions#doctors"' in response.text


def test_a_letter_the_family_saved_shows_even_when_who_is_who_is_cleared(
        signed_in, visit, specialist):
    cases.set_doctors(visit.case, visit.clinician_id, specialist.clinician_id)
    decision = decisions.decide(visit.case, option="switch", reasons="Closer to home",
                                decided_on=in_days(0))
    decisions.save_letter(decision, "transfer", "Dear Dr Okafor, our own words.")
    cases.set_doctors(visit.case, None, None)
    db.session.commit()
    assert "our own words" in signed_in.get(f"/decisions/{decision.id}/letters/transfer").text


@pytest.mark.parametrize("current, second, message", [
    ("okafor", "okafor", "the same one cannot be both"),
    ("stranger", "", "Choose one of your doctors."),
    ("x", "", "Choose one of your doctors."),
])
def test_who_is_who_refuses_a_wrong_answer_and_keeps_the_last(
        signed_in, visit, specialist, stranger, current, second, message):
    ids = {"okafor": visit.clinician_id, "stranger": stranger.clinician_id, "x": "x", "": ""}
    url = f"/cases/{visit.case_id}/doctors"
    kept = {"current_clinician_id": specialist.clinician_id, "second_clinician_id": ""}
    assert signed_in.post(url, data=kept).status_code == 303
    response = signed_in.post(url, data={"current_clinician_id": ids[current],
                                         "second_clinician_id": ids[second]})
    assert response.status_code == 422 and message in response.text
    db.session.expire_all()
    assert (visit.case.current_clinician_id, visit.case.second_clinician_id) == (
        specialist.clinician_id, None)
