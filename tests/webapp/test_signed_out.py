"""The sign-in page after a phone's worker signed it out: how many items it kept."""

import pytest

KEPT = "not yet synced"


@pytest.mark.parametrize("query, says", [
    ("?signed_out=0", "Signed out. Nothing is waiting to be sent from this phone."),
    ("?signed_out=1", "Signed out. 1 item not yet synced is kept on this phone: it goes to"),
    ("?signed_out=3", "Signed out. 3 items not yet synced are kept on this phone: they go to"),
])
def test_the_sign_in_page_says_what_the_phone_kept(client, owner, query, says):
    page = client.get(f"/signin{query}")
    assert page.status_code == 200
    assert says in page.text


@pytest.mark.parametrize("query", ["", "?signed_out=", "?signed_out=many", "?signed_out=-2"])
def test_no_count_or_a_count_that_is_no_number_says_nothing(client, owner, query):
    page = client.get(f"/signin{query}")
    assert page.status_code == 200
    assert "Signed out." not in page.text and KEPT not in page.text
