"""Two kinds of browser: a paired phone (outbox, sync bar, phone wording) and any other
signed-in browser, such as the home computer, which writes straight to the server."""

from webapp.extensions import db
from webapp.models import Device, Login
from webapp.services import devices

# What only a paired phone shows: its menu entry, the sync bar, the install offers,
# getting a visit ready, where its latest debrief save waits, and the recorder (its
# sound reaches the home computer only through a phone's worker).
PHONE_ONLY = ["This phone</a>", 'id="sync-bar"', 'data-phone="true"', "data-install>",
              "data-install-offer", "Keep Ask Twice on this phone",
              "Get ready for this visit</button>", "data-debrief-local", 'id="recorder"']


def shown(browser, visit):
    """Each page's phone-only parts, by path."""
    pages = ["/", "/help", f"/visits/{visit.id}", f"/visits/{visit.id}/questions",
             f"/visits/{visit.id}/debrief"]
    answers = {path: browser.get(path) for path in pages}
    assert all(answer.status_code == 200 for answer in answers.values())
    return {path: [part for part in PHONE_ONLY if part in answer.text]
            for path, answer in answers.items()}


def test_the_home_computer_shows_nothing_of_a_phone(signed_in, visit):
    found = shown(signed_in, visit)
    assert found == dict.fromkeys(found, [])
    assert "Install on this phone</strong> button" not in signed_in.get("/help").text


def test_a_paired_phone_shows_its_menu_sync_bar_and_offers(owners_phone, visit):
    parts = shown(owners_phone, visit)
    assert {part for found in parts.values() for part in found} == set(PHONE_ONLY)
    assert "Get ready for this visit</button>" in parts[f"/visits/{visit.id}"]
    assert owners_phone.get("/phone").status_code == 200


def test_phone_only_screens_and_registration_are_not_for_the_home_computer(signed_in):
    assert signed_in.get("/phone").status_code == 404
    assert signed_in.post("/devices", data={"name": "Phone"}).status_code == 404
    assert Device.query.count() == 0


def test_a_paired_phone_registers_its_device(owners_phone):
    made = owners_phone.post("/devices", data={"name": "Phone"})
    assert made.status_code == 201 and made.get_json()["author"] == "Sam"


def test_the_phones_list_shows_phones_only(signed_in, owners_phone, owner):
    owners_phone.post("/devices", data={"name": "Phone"})
    # A home computer registered as a device by an older version of the app.
    home_login = Login.query.filter(Login.device_name.is_(None)).one()
    devices.register_device(owner, "Phone", login=home_login)
    db.session.commit()
    listed = signed_in.get("/devices").text
    assert listed.count('class="card__title">') == 1
    assert 'class="card__title">Sam&#39;s phone ' in listed


def test_a_phone_speaks_of_the_home_computer_where_pages_name_it(
        signed_in, owners_phone, owner, visit):
    from webapp.services import capture
    note = capture.add_note(visit, owner, "A note to delete")
    db.session.commit()
    pages = [f"/visits/{visit.id}/notes/{note.id}/delete", f"/cases/{visit.case_id}/records"]
    for path in pages:
        on_phone, at_home = owners_phone.get(path).text, signed_in.get(path).text
        assert "the home computer" in on_phone and "this computer" not in on_phone, path
        assert "this computer" in at_home and "the home computer" not in at_home, path
