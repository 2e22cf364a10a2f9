"""A request that comes without the session cookie never replaces it.

A browser sends no SameSite=Lax cookie with a form another site posts to us, yet it
stores the cookie our answer sets: an answer that started a session there would
sign the family out. Such requests are refused, and their answers set no cookie.
"""

import pytest

from tests.conftest import PASSPHRASE
from webapp.models import SignInFailure
from webapp.services import throttle

CROSS_SITE = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate",
              "Origin": "http://localhost:8001"}


def set_cookies(response):
    return response.headers.getlist("Set-Cookie")


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.mark.parametrize("path", ["/no/such/page", "/signout", "/signin", "/devices",
                                  "/visits/1/notes", "/pair", "/setup"])
@pytest.mark.parametrize("headers", [CROSS_SITE, {}], ids=["cross-site", "older-browser"])
def test_a_post_without_the_cookie_sets_none(csrf_on, owner, visit, path, headers):
    # (headers {}: a browser that does not say where a request came from; the
    # missing CSRF token refuses it instead.)
    response = csrf_on.test_client().post(path, data={"text": "Forged", "name": "Sam",
                                                      "passphrase": PASSPHRASE},
                                          headers=headers)
    if headers:
        assert response.status_code == 403 and "another website" in response.text
    else:
        assert response.status_code in {400, 404, 405}
    assert set_cookies(response) == []


@pytest.mark.parametrize("path", ["/no/such/page", "/favicon.ico", "/", "/devices",
                                  "/signout", "/api/v1/sync/pull"])
def test_a_get_without_the_cookie_of_a_page_with_no_form_to_sign_in_sets_none(client, owner,
                                                                              path):
    assert set_cookies(client.get(path)) == []


@pytest.mark.parametrize("path", ["/signin", "/pair"])
def test_the_sign_in_and_pairing_pages_start_a_session_for_their_form(csrf_on, owner, path):
    client = csrf_on.test_client()
    page = client.get(path)
    assert any(cookie.startswith("session=") for cookie in set_cookies(page))
    assert 'name="csrf_token" value="' in page.text


def test_first_run_starts_a_session_and_signs_the_owner_in_with_csrf_on(csrf_on):
    client = csrf_on.test_client()
    token = client.get("/setup").text.split('name="csrf_token" value="')[1].split('"')[0]
    done = client.post("/setup", data={"name": "Sam", "passphrase": PASSPHRASE,
                                       "passphrase_again": PASSPHRASE, "csrf_token": token})
    assert done.status_code == 303 and client.get("/").status_code == 200


def test_a_sign_in_without_a_cookie_before_it_still_signs_in(client, owner):
    # Tests (and scripts) post the sign-in with the CSRF check off and no page first.
    response = client.post("/signin", data={"name": "Sam", "passphrase": PASSPHRASE})
    assert response.status_code == 303
    assert any(cookie.startswith("session=") for cookie in set_cookies(response))
    assert client.get("/").status_code == 200


def test_a_signed_in_browsers_own_error_pages_keep_its_sign_in(signed_in):
    assert signed_in.get("/no/such/page").status_code == 404
    assert signed_in.post("/no/such/page").status_code in {404, 405}
    assert signed_in.get("/").status_code == 200


@pytest.mark.parametrize("path, form", [("/signin", {"name": "Sam", "passphrase": "wrong"}),
                                        ("/pair", {"code": "WRONG123", "name": "Phone"})])
def test_wrong_tries_another_site_posts_never_count_against_the_family(csrf_on, owner, path,
                                                                       form):
    for _ in range(throttle.PER_ADDRESS + 1):
        forged = csrf_on.test_client().post(path, data=form, headers=CROSS_SITE)
        assert forged.status_code == 403 and set_cookies(forged) == []
    assert SignInFailure.query.count() == 0
