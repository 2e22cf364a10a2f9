"""Issue 11 item 3 through issue 13's phone uploader: a photo of a record taken with
no signal is kept on the phone, then sent in pieces when the signal returns."""

import re
from contextlib import contextmanager

from phones import new_phone, poll
from playwright.sync_api import expect

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 1200  # 300 KB: two pieces


FULL = "The space for Ask Twice on your computer is full. Ask for more room."


def case_with_records(home, name):
    """A new visit's case with the records list started; return the case's id."""
    visit = home.make_visit(name)
    case_id = re.search(r'href="/cases/(\d+)"', home.api.get(visit.path).text()).group(1)
    home._post(f"/cases/{case_id}/records/start")
    return case_id


def no_room(route):
    """The home computer's answer while the household's share is full."""
    route.fulfill(status=507, json={"code": "no_room", "message": FULL, "errors": {}})


def attach_photo(page):
    """Choose the photo for the first record and attach it."""
    item = page.locator("article").filter(has=page.locator("input[data-photo]")).first
    item.locator("input[data-photo]").set_input_files(
        files=[{"name": "scan.png", "mimeType": "image/png", "buffer": PNG}])
    item.get_by_role("button", name=re.compile("^Attach to:")).click()


def test_a_photo_taken_offline_reaches_the_computer(browser, browser_context_args, home, shoot,
                                                    axe):
    visit = home.make_visit("Photo")
    case_id = re.search(r'href="/cases/(\d+)"', home.api.get(visit.path).text()).group(1)
    home._post(f"/cases/{case_id}/records/start")
    phone = new_phone(browser, browser_context_args, "phone")
    page = phone.page
    try:
        phone.sign_in()
        page.goto(f"/cases/{case_id}/records")
        item = page.locator("article").filter(has=page.locator("input[data-photo]")).first
        expect(item).to_be_visible()
        axe.check(page, "records with a photo input")
        phone.context.set_offline(True)
        page.reload()
        item = page.locator("article").filter(has=page.locator("input[data-photo]")).first
        item.locator("input[data-photo]").set_input_files(
            files=[{"name": "scan.png", "mimeType": "image/png", "buffer": PNG}])
        item.get_by_role("button", name=re.compile("^Attach to:")).click()
        expect(page.locator("#status")).to_have_text(
            "Kept on this phone. It goes to your computer when you are connected.")
        kept = page.evaluate("() => AskTwiceDB.transact(['blobs'], 'readonly', "
                             "(s) => AskTwiceDB.req(s.blobs.count()))")
        assert kept == 1
        shoot(page, "record-photo-01-kept-offline", full_page=False)
        phone.context.set_offline(False)
        page.get_by_role("button", name="Sync now").click()
        expect(page.get_by_role("link", name="scan.png")).to_be_visible(timeout=30_000)
        poll(lambda: page.evaluate("() => AskTwiceDB.transact(['blobs'], 'readonly', "
                                   "(s) => AskTwiceDB.req(s.blobs.count()))"),
             lambda n: n == 0, what="the photo let go once the computer has it")
        listing = home.api.get(f"/cases/{case_id}/records").text()
        assert listing.count(">scan.png</a>") == 1
        assert phone.errors == [], "uncaught errors in the page"
    finally:
        phone.context.close()


@contextmanager
def phone_on_records(browser, browser_context_args, home, name, full_at):
    """A paired phone on a new case's records, the home computer full at `full_at` (507)."""
    case_id = case_with_records(home, name)
    phone = new_phone(browser, browser_context_args, "phone")
    try:
        phone.sign_in()
        phone.context.route(full_at, no_room)
        phone.page.goto(f"/cases/{case_id}/records")
        yield phone
        assert phone.errors == [], "uncaught errors in the page"
    finally:
        phone.context.close()


def test_a_photo_the_computer_has_no_room_for_waits_on_the_phone(browser, browser_context_args,
                                                                 home):
    """The household's share is full at home (507): the photo stays on the phone, not
    refused, with the computer's words, and goes at a sync once there is room."""
    pieces = re.compile(r"/api/v1/records/\d+/uploads/[0-9a-f]{64}\?")
    with phone_on_records(browser, browser_context_args, home, "PhotoNoRoom", pieces) as phone:
        page = phone.page
        phone.context.set_offline(True)  # kept by the worker, as on a visit without signal
        page.reload()
        attach_photo(page)
        expect(page.locator("#status")).to_have_text(re.compile("^Kept on this phone"))
        phone.context.set_offline(False)
        page.get_by_role("button", name="Sync now").click()
        expect(page.locator("#status")).to_have_text(f"Photo not sent yet: {FULL}",
                                                     timeout=30_000)
        kept = page.evaluate("() => AskTwiceDB.transact(['blobs'], 'readonly', "
                             "(s) => AskTwiceDB.req(s.blobs.getAll()))")
        assert [blob.get("refused", False) for blob in kept] == [False]
        phone.context.unroute(pieces)  # room made at home
        page.get_by_role("button", name="Sync now").click()
        expect(page.get_by_role("link", name="scan.png")).to_be_visible(timeout=30_000)


def test_a_photo_sent_online_when_the_computer_is_full_is_kept_on_the_phone(
        browser, browser_context_args, home):
    """The records page sends at once when online; a 507 (no room at home for now) must
    not lose the photo just taken: the paired phone keeps it for its uploader."""
    page_pieces = re.compile(r"/cases/\d+/records/\d+/uploads/[0-9a-f]{64}\?")
    with phone_on_records(browser, browser_context_args, home, "PhotoFullOnline",
                          page_pieces) as phone:
        attach_photo(phone.page)
        # Kept, then sent by the phone's uploader (its /api/v1 door has room here).
        expect(phone.page.get_by_role("link", name="scan.png")).to_be_visible(timeout=30_000)
