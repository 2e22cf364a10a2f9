"""A phone removed at home (issue 19, items 5 and 6): "Remove" asks first, saying
what home knows the phone has not sent; the phone is then told it was removed,
in words apart from a phone that signed out, and its pages lead to the page
that needs no sign-in."""

import html
import re
import uuid

from tests.api.conftest import Phone
from tests.webapp.test_companions import invite
from tests.webapp.test_pairing import make_code, register
from webapp.extensions import db
from webapp.models import Device

REMOVED_PAGE = "/static/removed.html"


def paired(app, link, name="Kitchen phone"):
    """A phone paired by `link` and registered as its page does: (browser, Phone)."""
    browser = app.test_client()
    assert browser.post(link, data={"name": name}).status_code == 303
    made = register(browser)
    return browser, Phone(browser, db.session.get(Device, uuid.UUID(made["device_id"])),
                          made["token"])


def words(page):
    """The page's text as a person reads it: tags gone, entities read, spaces squeezed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.text)).split())


def pull(phone, **body):
    return phone.client.post("/api/v1/sync/pull", json={"device_id": phone.device_id, **body},
                             headers={"Authorization": f"Bearer {phone.token}"})


def test_remove_asks_first_naming_the_phone_its_person_and_what_it_has_not_sent(
        app, signed_in, visit):
    _, dads = paired(app, make_code(signed_in, new_name="Dad")[1], "Dad's phone")
    assert pull(dads, cursor=None, pending=3).status_code == 200

    screen = signed_in.get("/devices").text
    asks = f"/devices/{dads.device_id}/remove"
    assert f'href="{asks}"' in screen  # "Remove" is a link to the question, not a form
    page = signed_in.get(asks)
    assert page.status_code == 200
    text = words(page)
    assert "Remove Dad's phone?" in text
    assert "Phone Dad's phone Whose phone Dad Last sync" in text
    assert re.search(r"At its last sync, \d\d:\d\d, it had 3 items not yet sent\. Anything "
                     r"saved on it since is only on the phone\.", text)
    assert "Yes, remove it" in text and "No, keep it" in text
    assert db.session.get(Device, dads.device.id).revoked_at is None  # nothing yet

    assert signed_in.post(f"/devices/{dads.device_id}/revoke").status_code == 303
    assert pull(dads).status_code == 401


def test_a_phone_that_never_synced_is_asked_about_plainly(app, signed_in):
    _, phone = paired(app, make_code(signed_in)[1])
    text = words(signed_in.get(f"/devices/{phone.device_id}/remove"))
    assert "It has not synced with this computer yet" in text


def test_a_pull_that_says_what_waits_must_say_a_count(app, signed_in):
    _, phone = paired(app, make_code(signed_in)[1])
    for wrong in (-1, "many", 10**9):
        answer = pull(phone, pending=wrong)
        assert answer.status_code == 422 and "pending" in answer.get_json()["errors"]


def test_a_removed_phone_is_told_so_unlike_one_that_signed_out(app, signed_in, visit):
    removed_browser, removed = paired(app, make_code(signed_in)[1])
    left_browser, left = paired(app, make_code(signed_in)[1], "Other phone")
    assert left_browser.post("/signout").status_code == 303
    assert signed_in.post(f"/devices/{removed.device_id}/revoke").status_code == 303

    for answer in (pull(removed), removed.push(removed.mutation(
            "note.create", {"visit_id": visit.id, "text": "Hi"}))):
        assert answer.status_code == 401
        assert answer.get_json()["code"] == "phone_removed"
    assert pull(left).get_json()["code"] == "unauthorized"

    # Its pages lead to the page that needs no sign-in; a signed-out phone's to sign in.
    for path in ("/phone", "/"):
        assert removed_browser.get(path).headers["Location"] == REMOVED_PAGE
    assert removed_browser.get("/phone", headers={"HX-Request": "true"}
                               ).headers["HX-Redirect"] == REMOVED_PAGE
    assert left_browser.get("/phone").headers["Location"].startswith("/signin")


def test_a_companion_removed_from_the_case_is_a_removed_phone(app, signed_in, visit):
    browser, rosa = paired(app, invite(signed_in, visit.case_id), "Rosa's phone")
    rosa_id = re.search(r'/cases/\d+/companions/(\d+)/remove',
                        signed_in.get(f"/cases/{visit.case_id}").text)
    assert rosa_id, "no way to remove the companion on the case page"
    assert signed_in.post(rosa_id.group(0)).status_code in (200, 303)
    assert pull(rosa).get_json()["code"] == "phone_removed"
    assert browser.get("/").headers["Location"] == REMOVED_PAGE


def test_pairing_again_holds_when_a_request_sent_before_the_removal_comes_back_last(
        app, signed_in, visit):
    """A removed phone's worker may still have a page request out (the ready pass)
    with the old cookie when the person taps "Pair again": its answer, last to
    arrive, must not replace the form's token ("This form was open too long")."""
    browser, removed = paired(app, make_code(signed_in)[1])
    browser.get("/phone")  # a form on screen: the session holds its token
    assert signed_in.post(f"/devices/{removed.device_id}/revoke").status_code == 303
    code = make_code(signed_in)[2]
    app.config["WTF_CSRF_ENABLED"] = True
    old_cookie = browser.get_cookie("session").value

    form = browser.get("/pair")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    browser.set_cookie("session", old_cookie)  # the ready pass's request, sent before
    assert browser.get(f"/visits/{visit.id}").headers["Location"] == REMOVED_PAGE

    answer = browser.post("/pair", data={"csrf_token": token, "code": code, "name": "Phone"})
    assert "open too long" not in answer.text
    assert answer.status_code == 303


def test_a_background_request_of_the_removed_sign_in_leaves_the_cookie_as_it_came(
        app, signed_in, visit):
    """The worker's page requests (keeping visits ready) are no navigation: answered after
    the phone was paired again, a cookie of theirs would sign the new pairing out."""
    browser, removed = paired(app, make_code(signed_in)[1])
    assert signed_in.post(f"/devices/{removed.device_id}/revoke").status_code == 303

    background = browser.get(f"/visits/{visit.id}", headers={"Sec-Fetch-Mode": "same-origin"})
    assert background.headers["Location"] == REMOVED_PAGE
    assert "Set-Cookie" not in background.headers
    page = browser.get(f"/visits/{visit.id}", headers={"Sec-Fetch-Mode": "navigate"})
    assert page.headers["Location"] == REMOVED_PAGE
    assert "Set-Cookie" in page.headers  # a page opened ends the old sign-in in the cookie
