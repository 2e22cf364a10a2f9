import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import update

from tests.conftest import PASSPHRASE, pair
from webapp.extensions import db
from webapp.models import Device, Household, Member, Note, SignInFailure
from webapp.models._types import utcnow
from webapp.services import accounts, throttle


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
        key = session["login"]
    assert accounts.login_for_key(key).member_id == owner.id


def test_sign_out_ends_the_session(signed_in):
    assert signed_in.post("/signout").headers["Location"] == "/signin"
    assert signed_in.get("/").status_code == 303


def copy_of_cookie(app, client):
    """A second browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def test_a_copied_cookie_stops_working_after_sign_out(app, signed_in, visit):
    # Fails without server-side sign-ins: the cookie alone used to be enough.
    thief = copy_of_cookie(app, signed_in)
    assert thief.get(f"/visits/{visit.id}/summary").status_code == 200
    signed_in.post("/signout")
    for url in ("/", f"/visits/{visit.id}", f"/visits/{visit.id}/summary"):
        assert thief.get(url).status_code == 303
    assert thief.post("/devices", data={"name": "Phone"}).status_code == 303
    assert Device.query.count() == 0


def test_sign_out_stops_this_browsers_device_token_but_no_other(app, owners_phone, owner):
    mine = owners_phone.post("/devices", data={"name": "Phone"}).get_json()
    theirs = pair(app, owner, "Tablet").post("/devices", data={"name": "Tablet"}).get_json()

    def pull(device):
        return owners_phone.post("/api/v1/sync/pull", json={"device_id": device["device_id"]},
                              headers={"Authorization": f"Bearer {device['token']}"})

    assert pull(mine).status_code == 200
    owners_phone.post("/signout")
    assert pull(mine).status_code == 401
    assert pull(mine).get_json()["code"] == "unauthorized"
    assert pull(theirs).status_code == 200


def test_four_set_ups_at_the_same_moment_make_one_household(app):
    # Fails without the set-up row: each request saw no household and made one.
    barrier = threading.Barrier(4)

    def set_up(name):
        client = app.test_client()
        barrier.wait()
        return client.post("/setup", data={"name": name, "passphrase": PASSPHRASE,
                                           "passphrase_again": PASSPHRASE}).status_code

    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(set_up, ["Ann", "Bob", "Cat", "Dan"]))
    assert all(status == 303 for status in statuses)
    assert Household.query.count() == 1
    assert Member.query.count() == 1


def test_repeated_wrong_passphrases_make_the_name_wait(client, owner):
    for _ in range(throttle.PER_NAME):
        assert client.post("/signin", data={"name": "Sam", "passphrase": "wrong guess"}
                           ).status_code == 422
    response = client.post("/signin", data={"name": "sam ", "passphrase": PASSPHRASE})
    assert response.status_code == 429
    assert "Too many tries" in response.text and "minutes, then try again" in response.text
    assert 800 < int(response.headers["Retry-After"]) <= 901
    assert "session" not in response.headers.get("Set-Cookie", "")


def test_one_address_trying_many_names_must_wait(client, owner):
    for number in range(throttle.PER_ADDRESS):
        client.post("/signin", data={"name": f"Guess {number}", "passphrase": "wrong guess"})
    assert client.post("/signin", data={"name": "Sam", "passphrase": PASSPHRASE}
                       ).status_code == 429
    # Another address is not held up by this one.
    other = client.post("/signin", data={"name": "Sam", "passphrase": PASSPHRASE},
                        environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 303


def test_failures_older_than_the_window_no_longer_count(client, owner):
    for _ in range(throttle.PER_NAME):
        client.post("/signin", data={"name": "Sam", "passphrase": "wrong guess"})
    db.session.execute(update(SignInFailure).values(at=utcnow() - throttle.WINDOW))
    db.session.commit()
    assert client.post("/signin", data={"name": "Sam", "passphrase": PASSPHRASE}
                       ).status_code == 303


def test_a_sign_in_that_works_clears_the_earlier_failures(client, owner):
    for _ in range(throttle.PER_NAME - 1):
        client.post("/signin", data={"name": "Sam", "passphrase": "wrong guess"})
    client.post("/signin", data={"name": "Sam", "passphrase": PASSPHRASE})
    assert SignInFailure.query.count() == 0


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


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_a_write_another_site_started_is_refused(hx, visit, site):
    response = hx.client.post(f"/visits/{visit.id}/notes", data={"text": "Forged"},
                              headers={"Sec-Fetch-Site": site})
    assert response.status_code == 403
    assert "another website" in response.text
    assert Note.query.count() == 0
    own = hx.client.post(f"/visits/{visit.id}/notes", data={"text": "Mine"},
                         headers={"Sec-Fetch-Site": "same-origin"})
    assert own.status_code == 303 and Note.query.count() == 1


def test_someone_elses_wrong_tries_do_not_lock_out_a_browser_the_name_used_before(app, owner):
    """Five wrong tries from a stranger make the name wait everywhere except on the family's
    own browser, known by a signed cookie from its last sign-in; a forged or another name's
    cookie does not count, and the address limit still holds for the known browser."""
    family = app.test_client()
    assert family.post("/signin", data={"name": "Sam", "passphrase": PASSPHRASE}
                       ).status_code == 303
    family.post("/signout")
    stranger = app.test_client()
    for _ in range(throttle.PER_NAME):
        stranger.post("/signin", data={"name": "Sam", "passphrase": "wrong guess"},
                      environ_base={"REMOTE_ADDR": "10.0.0.66"})
    assert stranger.post("/signin", data={"name": "Sam", "passphrase": PASSPHRASE},
                         environ_base={"REMOTE_ADDR": "10.0.0.66"}).status_code == 429
    new_browser = app.test_client()
    assert new_browser.post("/signin", data={"name": "Sam", "passphrase": PASSPHRASE}
                            ).status_code == 429
    forged = app.test_client()
    forged.set_cookie("known_browser", "sam", path="/signin")
    assert forged.post("/signin", data={"name": "Sam", "passphrase": PASSPHRASE}
                       ).status_code == 429
    assert family.post("/signin", data={"name": "Sam", "passphrase": PASSPHRASE}
                       ).status_code == 303


def test_a_known_browser_cookie_names_one_person_and_is_sent_to_sign_in_only(app, owner):
    browser = app.test_client()
    response = browser.post("/signin", data={"name": "Sam", "passphrase": PASSPHRASE})
    cookie = next(c for c in response.headers.getlist("Set-Cookie")
                  if c.startswith("known_browser="))
    assert "Path=/signin" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    browser.post("/signout")
    for _ in range(throttle.PER_NAME):
        app.test_client().post("/signin", data={"name": "Alex", "passphrase": "wrong guess"},
                               environ_base={"REMOTE_ADDR": "10.0.0.66"})
    # Sam's browser is not Alex's: Alex waits there too.
    assert browser.post("/signin", data={"name": "Alex", "passphrase": "Alex's own"}
                        ).status_code == 429
