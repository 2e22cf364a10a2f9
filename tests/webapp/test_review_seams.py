"""Seams of issue 19 found in review: where one feature hands over to the next."""

import pytest

from webapp.models import Case

NEW_CASE = {"diagnosis": "Scoliosis, 38 degree curve, found at school check.",
            "safe_to_wait": "yes"}


@pytest.mark.parametrize("condition", ["...", "!!!", "-", "“”", "?!", "( )"])
def test_a_condition_name_of_punctuation_only_is_refused_plainly(signed_in, visit, condition):
    response = signed_in.post(f"/children/{visit.case.child_id}/cases",
                              data={**NEW_CASE, "condition": condition})
    assert response.status_code == 422, response.status_code
    assert "Write a short name for the condition" in response.text
    assert "found at school check." in response.text  # what they typed is still in the form
    assert Case.query.count() == 1


def test_a_phone_is_told_it_syncs_while_the_home_computer_is_on(owners_phone, signed_in):
    # The phone's home screen spoke of "this computer": the phone is no computer.
    phone = owners_phone.get("/").text
    assert "this computer" not in phone
    assert "This phone syncs only while the home computer is on and awake." in phone
    assert "Phones sync only while this computer is on and awake." in signed_in.get("/").text
