"""Two kinds of browser: a paired phone (outbox, sync bar, phone wording) and any other
signed-in browser, such as the home computer, which writes straight to the server."""

import pytest

from webapp.extensions import db
from webapp.models import Device, Login
from webapp.services import devices

# What only a paired phone shows: its menu entry, the sync bar, the install offers.
PHONE_ONLY = ["This phone</a>", 'id="sync-bar"', 'data-phone="true"', "data-install>",
              "data-install-offer", "Keep Ask Twice on this phone"]


@pytest.fixture
def phone(owners_phone):
    return owners_phone


def pages(visit):
    return ["/", "/help", f"/visits/{visit.id}", f"/visits/{visit.id}/questions"]


def test_the_home_computer_shows_nothing_of_a_phone(signed_in, visit):
    for path in pages(visit):
        page = signed_in.get(path)
        assert page.status_code == 200, path
        shown = [words for words in PHONE_ONLY if words in page.text]
        assert not shown, f"{path} shows {shown}"
    assert "Get ready for this visit</button>" not in signed_in.get(f"/visits/{visit.id}").text
    assert "Install on this phone</strong> button" not in signed_in.get("/help").text


def test_a_paired_phone_shows_its_menu_sync_bar_and_offers(phone, visit):
    home = phone.get("/").text
    assert "This phone" in home and 'id="sync-bar"' in home and 'data-phone="true"' in home
    assert "data-install>Install on this phone" in phone.get("/help").text
    assert "Get ready for this visit</button>" in phone.get(f"/visits/{visit.id}").text
    assert phone.get("/phone").status_code == 200


def test_phone_only_screens_and_registration_are_not_for_the_home_computer(signed_in):
    assert signed_in.get("/phone").status_code == 404
    assert signed_in.post("/devices", data={"name": "Phone"}).status_code == 404
    assert Device.query.count() == 0


def test_a_paired_phone_registers_its_device(phone):
    made = phone.post("/devices", data={"name": "Phone"})
    assert made.status_code == 201 and made.get_json()["author"] == "Sam"


def test_the_phones_list_shows_phones_only(signed_in, phone, owner):
    phone.post("/devices", data={"name": "Phone"})
    # A home computer registered as a device by an older version of the app.
    home_login = Login.query.filter(Login.device_name.is_(None)).one()
    devices.register_device(owner, "Phone", login=home_login)
    db.session.commit()
    listed = signed_in.get("/devices").text
    assert listed.count('class="card__title">') == 1
    assert 'class="card__title">Sam&#39;s phone ' in listed
