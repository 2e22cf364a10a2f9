"""Pairing a phone with a one-time link or code, and the Devices screen."""

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import update

from tests.api.conftest import Phone
from tests.conftest import PASSPHRASE
from tests.webapp.test_companions import invite
from webapp.extensions import db
from webapp.models import Device, Login, Member, Pairing
from webapp.models._types import utcnow
from webapp.services import throttle


def make_code(home, **form):
    """Make a pairing at home; return the page, its link path and its code."""
    response = home.post("/devices/pairings", data=form or {"member_id": "1"})
    assert response.status_code == 200, response.text
    link = re.search(r"http://localhost(/pair/[\w-]+)", response.text).group(1)
    code = re.search(r'id="pairing-code">([A-Z0-9-]+)<', response.text).group(1)
    return response, link, code


def register(phone):
    """What the phone's page does once signed in: register its device."""
    return phone.post("/devices", data={"name": "Phone"}).get_json()


def test_a_phone_pairs_by_link_without_a_passphrase(app, signed_in, owner):
    page, link, _ = make_code(signed_in, member_id=str(owner.id))
    assert "<svg" in page.text and 'aria-label="QR code of the pairing link"' in page.text
    phone = app.test_client()
    form = phone.get(link)
    assert "Sam&#39;s phone" in form.text
    answer = phone.post(link, data={"name": "Sam's phone"})
    assert answer.status_code == 303 and answer.headers["Location"] == "/start"
    assert phone.get("/").status_code == 200
    device = register(phone)
    assert device["author"] == "Sam"
    stored = db.session.get(Device, __import__("uuid").UUID(device["device_id"]))
    assert stored.name == "Sam's phone" and stored.member_id == owner.id


def test_a_phone_pairs_by_code_typed_any_way(app, signed_in):
    _, _, code = make_code(signed_in, new_name="Dad")
    phone = app.test_client()
    typed = code.lower().replace("-", " ")
    assert phone.post("/pair", data={"code": typed, "name": "Dad's phone"}).status_code == 303
    device = register(phone)
    assert device["author"] == "Dad"
    dad = Member.query.filter_by(name="Dad").one()
    assert dad.role == "parent" and dad.passphrase_hash == ""
    # Dad has no passphrase: signing in with any at home never works.
    assert app.test_client().post("/signin", data={"name": "Dad", "passphrase": ""}
                                  ).status_code == 422


def test_a_link_or_code_works_once(app, signed_in):
    _, link, code = make_code(signed_in)
    assert app.test_client().post(link, data={"name": "First"}).status_code == 303
    second = app.test_client()
    assert second.post(link, data={"name": "Second"}).status_code == 422
    assert second.get(link).status_code == 410
    assert second.post("/pair", data={"code": code, "name": "Second"}).status_code == 422
    assert second.get("/").status_code == 303  # not signed in


def test_a_code_expires_after_ten_minutes(app, signed_in):
    _, link, code = make_code(signed_in)
    db.session.execute(update(Pairing).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    phone = app.test_client()
    response = phone.post("/pair", data={"code": code, "name": "Late"})
    assert response.status_code == 422 and "may have expired" in response.text
    assert phone.post(link, data={"name": "Late"}).status_code == 422


def test_guessing_codes_is_slowed_per_address(app, signed_in):
    _, _, code = make_code(signed_in)
    phone = app.test_client()
    for number in range(throttle.PER_ADDRESS):
        phone.post("/pair", data={"code": f"WRONG{number:03d}", "name": "Guess"})
    response = phone.post("/pair", data={"code": code, "name": "Right one"})
    assert response.status_code == 429 and "Too many wrong codes" in response.text
    assert Login.query.filter(Login.device_name.is_not(None)).count() == 0


def test_two_phones_racing_with_one_code_get_one_sign_in(app, signed_in):
    from concurrent.futures import ThreadPoolExecutor

    _, _, code = make_code(signed_in)

    def pair(name):
        return app.test_client().post("/pair", data={"code": code, "name": name}).status_code

    with ThreadPoolExecutor(4) as pool:
        statuses = sorted(pool.map(pair, ["A", "B", "C", "D"]))
    assert statuses == [303, 422, 422, 422]


@pytest.mark.parametrize("form, message", [
    ({}, "Choose whose phone it is."),
    ({"member_id": "999"}, "Choose whose phone it is."),
    ({"new_name": "sam"}, "Someone here has that name already."),
    ({"member_id": str(2**40)}, "Choose whose phone it is."),
])
def test_whose_phone_must_be_clear(signed_in, form, message):
    response = signed_in.post("/devices/pairings", data=form)
    assert response.status_code == 422 and message in response.text
    assert Pairing.query.count() == 0


def test_the_devices_screen_lists_phones_and_revoking_ends_the_phone(app, signed_in, visit):
    _, link, _ = make_code(signed_in)
    phone = app.test_client()
    phone.post(link, data={"name": "Kitchen phone"})
    device = register(phone)
    headers = {"Authorization": f"Bearer {device['token']}"}
    note = {"seq": 1, "op": "note.create", "id": "0190e8a4-7b6c-7d3e-8f00-00000000000a",
            "hlc": "1800000000000-0000-kitchen", "data": {"visit_id": visit.id, "text": "Hi"}}
    pushed = phone.post("/api/v1/sync/push", headers=headers, json={
        "device_id": device["device_id"], "schema_version": 1, "mutations": [note]})
    assert pushed.status_code == 200
    screen = signed_in.get("/devices").text
    assert "Kitchen phone" in screen and "1 item received" in screen and "Last sync" in screen

    stored = Device.query.one()
    assert signed_in.post(f"/devices/{stored.id}/revoke").status_code == 303
    assert "Removed" in signed_in.get("/devices").text
    again = phone.post("/api/v1/sync/pull", headers=headers,
                       json={"device_id": device["device_id"]})
    assert again.status_code == 401
    assert phone.get("/").status_code == 303  # the phone's sign-in ended too


def paired_twice(app, link):
    """A phone paired by `link` whose page registered twice (two tabs): its two devices."""
    browser = app.test_client()
    assert browser.post(link, data={"name": "Kitchen phone"}).status_code == 303
    return browser, [Phone(browser, db.session.get(Device, uuid.UUID(made["device_id"])),
                           made["token"]) for made in (register(browser), register(browser))]


@pytest.mark.parametrize("whose", ["parent", "companion"])
def test_removing_a_phone_stops_every_token_of_its_sign_in(app, signed_in, visit, whose):
    link = make_code(signed_in)[1] if whose == "parent" else invite(signed_in, visit.case_id)
    browser, tokens = paired_twice(app, link)

    def note(token):
        return token.mutation("note.create", {"visit_id": visit.id, "text": "Hi"})

    for token in tokens:
        assert token.push(note(token)).status_code == 200 and token.pull().status_code == 200
    screen = signed_in.get("/devices").text
    assert screen.count('class="card__title">Kitchen phone ') == 1  # one phone, one row
    assert "2 items received" in screen
    assert signed_in.post(f"/devices/{tokens[0].device.id}/revoke").status_code == 303
    for token in tokens:
        assert token.push(note(token)).status_code == 401 and token.pull().status_code == 401
    assert browser.get("/").status_code == 303  # the phone's sign-in ended too
    screen = signed_in.get("/devices").text
    assert screen.count('class="card__title">Kitchen phone ') == 1 and "Removed" in screen


def test_another_households_device_cannot_be_revoked(signed_in, stranger):
    from webapp.services import devices

    other = devices.register_device(Member.query.filter_by(name="Other").one(), "Theirs")[0]
    db.session.commit()
    assert signed_in.post(f"/devices/{other.id}/revoke").status_code == 404
    assert db.session.get(Device, other.id).revoked_at is None


@pytest.mark.app_config(ALLOWED_HOSTS=["localhost", "[::1]", "192.168.1.20", "home.example"])
@pytest.mark.parametrize("base_url, says", [
    ("http://localhost", "only works on this computer"),
    ("http://[::1]:8000", "only works on this computer"),
    ("http://192.168.1.20:8000", "starts with http, not https"),
    ("https://home.example", None),
])
def test_the_screen_says_whether_a_phone_can_use_this_address(client, owner, base_url, says):
    client.post("/signin", data={"name": "Sam", "passphrase": PASSPHRASE}, base_url=base_url)
    page = client.get("/devices", base_url=base_url).text
    assert "Add a phone" in page
    if says:
        assert says in page
    else:
        assert "cannot" not in page


def test_a_phone_pairing_does_not_need_the_owners_passphrase(app, signed_in):
    _, link, _ = make_code(signed_in)
    phone = app.test_client()
    phone.post(link, data={"name": "Phone"})
    assert PASSPHRASE not in phone.get("/").text


@pytest.mark.app_config(TRUST_PROXY=True, ALLOWED_HOSTS=["localhost", "home.tail1234.ts.net"])
def test_behind_an_https_proxy_the_code_links_to_the_public_name(client, owner):
    # What a private mesh VPN's HTTPS serving or Caddy sends (docs/self-hosting.md).
    proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "home.tail1234.ts.net",
             "X-Forwarded-For": "100.64.0.7"}
    client.post("/signin", data={"name": "Sam", "passphrase": PASSPHRASE}, headers=proxy)
    page = client.get("/devices", headers=proxy).text
    assert "cannot" not in page and "starts with http" not in page
    made = client.post("/devices/pairings", data={"member_id": str(owner.id)}, headers=proxy)
    assert re.search(r"https://home\.tail1234\.ts\.net/pair/[\w-]{40,}", made.text)
    assert "https://home.tail1234.ts.net/pair<" in made.text.replace("</strong>", "<")


def test_pairing_again_on_a_signed_in_phone_ends_its_old_sign_in(app, signed_in, visit):
    # The way out of a forgotten PIN: the phone's old token must not stay alive unseen.
    browser, (old, _) = paired_twice(app, make_code(signed_in)[1])
    _, link, _ = make_code(signed_in)
    assert browser.post(link, data={"name": "Kitchen phone"}).status_code == 303
    new = register(browser)
    assert old.pull().status_code == 401
    assert Phone(browser, db.session.get(Device, uuid.UUID(new["device_id"])),
                 new["token"]).pull().status_code == 200
    screen = signed_in.get("/devices").text
    assert screen.count('class="card__title">Kitchen phone ') == 2 and screen.count("Removed") == 1
