from datetime import timedelta

import pytest

from tests.conftest import PASSPHRASE
from webapp.models import Household


def test_first_visit_goes_to_set_up_then_signs_the_owner_in(client):
    assert client.get("/").headers["Location"].startswith("/signin")
    assert client.get("/signin").headers["Location"] == "/setup"
    response = client.post("/setup", data={"name": "Sam", "passphrase": PASSPHRASE,
                                           "passphrase_again": PASSPHRASE})
    assert response.status_code == 303
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("data, message", [
    ({"name": "", "passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE}, "Enter your name."),
    ({"name": "Sam", "passphrase": "short", "passphrase_again": "short"},
     "Use a passphrase of 10 to 200 characters."),
    ({"name": "Sam", "passphrase": PASSPHRASE, "passphrase_again": "different one"},
     "The two passphrases are not the same."),
])
def test_set_up_explains_what_to_fix_and_stores_nothing(client, data, message):
    response = client.post("/setup", data=data)
    assert response.status_code == 422
    assert message in response.text
    assert PASSPHRASE not in response.text  # never echoed back
    assert Household.query.count() == 0


def test_set_up_is_closed_once_done(client, owner):
    assert client.get("/setup").headers["Location"] == "/signin"
    client.post("/setup", data={"name": "Mallory", "passphrase": PASSPHRASE,
                                "passphrase_again": PASSPHRASE})
    assert Household.query.count() == 1


def test_wrong_passphrase_is_refused_plainly(auth):
    response = auth.login(passphrase="not the passphrase")
    assert response.status_code == 422
    assert "That name and passphrase do not match." in response.text
    assert auth.client.get("/").status_code == 303


def test_sign_in_returns_to_the_page_asked_for_but_never_off_site(client, owner):
    data = {"name": "Sam", "passphrase": PASSPHRASE}
    assert client.post("/signin?next=/clinicians", data=data).headers["Location"] == "/clinicians"
    client.post("/signout")
    assert client.post("/signin?next=//evil.example", data=data).headers["Location"] == "/"


def test_sign_in_starts_a_fresh_session(client, owner):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    client.post("/signin", data={"name": "Sam", "passphrase": PASSPHRASE})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["member_id"] == owner.id


def test_sign_out_ends_the_session(signed_in):
    assert signed_in.post("/signout").headers["Location"] == "/signin"
    assert signed_in.get("/").status_code == 303


@pytest.mark.parametrize("key, age", [("seen", timedelta(hours=9)),
                                      ("started", timedelta(days=15))])
def test_idle_and_absolute_time_outs_end_the_session(signed_in, key, age):
    with signed_in.session_transaction() as session:
        session[key] -= age.total_seconds()
    assert signed_in.get("/").headers["Location"].startswith("/signin")


def test_session_cookie_is_http_only_and_same_site_lax(client, owner):
    response = client.post("/signin", data={"name": "Sam", "passphrase": PASSPHRASE})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_state_changing_requests_need_the_csrf_token(app, owner):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    page = client.get("/signin").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    data = {"name": "Sam", "passphrase": PASSPHRASE}
    assert client.post("/signin", data=data).status_code == 400
    assert client.post("/signin", data={**data, "csrf_token": token}).status_code == 303
    response = client.post("/signout", headers={"X-CSRFToken": "forged"})
    assert response.status_code == 400


def test_an_unknown_url_is_404_and_leaves_the_form_token_alone(app):
    # Browsers fetch /favicon.ico on their own; that must not void the set-up form.
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    token = client.get("/setup").text.split('name="csrf_token" value="')[1].split('"')[0]
    missing = client.get("/favicon.ico")
    assert missing.status_code == 404
    response = client.post("/setup", data={"name": "Sam", "passphrase": PASSPHRASE,
                                           "passphrase_again": PASSPHRASE, "csrf_token": token})
    assert response.status_code == 303
