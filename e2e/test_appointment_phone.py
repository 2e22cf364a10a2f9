"""Issue 19, items 8 to 11: the appointment screen on a phone, in Chromium at the size
of a Pixel 7's whole screen (412x915) and turned sideways (915x412).

Back closes a full-screen view before it leaves the screen; the sync bar says plainly
when the phone has no connection, and stops saying it once the home computer answers;
"Note" only ever opens the composer; and the first view holds the next question and its
"Asked" button, at 100% and 200% text, with the top menu whole and, sideways, at least
half the height left for the screen's own content.

Larger text is set as a phone's text-size setting does it, on the root element
(`document.documentElement.style.fontSize = '200%'`: script, not an injected <style>,
which the app's Content-Security-Policy would refuse).
"""

import re

import pytest
from phones import SYNC_SUMMARY, new_phone, path_of
from playwright.sync_api import expect

PORTRAIT = {"width": 412, "height": 915}
NO_CONNECTION = "No connection. Notes stay on this phone."


def phone_at(browser, browser_context_args, viewport):
    return new_phone(browser, browser_context_args, "phone", viewport=viewport)


# --- 8. Back closes a full-screen view first --------------------------------------------

@pytest.mark.parametrize(("link", "title"), [("Case summary", re.compile("to read out")),
                                             ("Read back", "Read back")])
def test_back_closes_the_sheet_then_leaves(browser, browser_context_args, home, shoot, link, title):
    visit = home.make_visit(f"Back {link[:4]}")
    phone = phone_at(browser, browser_context_args, PORTRAIT)
    try:
        phone.sign_in()  # the home screen: where a second Back goes
        phone.open_visit_from_home(visit)
        page = phone.page
        page.get_by_role("link", name=link).click()
        sheet = page.get_by_role("dialog", name=title)
        expect(sheet).to_be_visible()
        shoot(page, f"phone-back-{link[:4].lower()}-1-open", full_page=False)

        page.go_back()
        expect(sheet).to_be_hidden()
        phone.expect_visit_screen(visit)
        shoot(page, f"phone-back-{link[:4].lower()}-2-after-one-back", full_page=False)

        page.go_back()
        expect(page.get_by_role("heading", level=1, name=re.compile("^Hello"))).to_be_visible()
        assert path_of(page.url) != visit.path, page.url
    finally:
        phone.context.close()


def test_close_button_leaves_no_extra_step_back(browser, browser_context_args, home):
    """Closed with its own button, the view leaves nothing behind: one Back leaves."""
    visit = home.make_visit("Back close")
    phone = phone_at(browser, browser_context_args, PORTRAIT)
    try:
        phone.sign_in()
        phone.open_visit_from_home(visit)
        page = phone.page
        page.get_by_role("link", name="Case summary").click()
        sheet = page.get_by_role("dialog", name=re.compile("to read out"))
        sheet.get_by_role("button", name="Close").click()
        expect(sheet).to_be_hidden()
        phone.expect_visit_screen(visit)
        page.go_back()
        expect(page.get_by_role("heading", level=1, name=re.compile("^Hello"))).to_be_visible()
    finally:
        phone.context.close()


# --- 9. No connection, said plainly -----------------------------------------------------

def synced(page):
    expect(page.locator(SYNC_SUMMARY)).to_contain_text("Everything is synced")
    expect(page.locator("#sync-bar")).not_to_contain_text("No connection")


def test_no_connection_said_when_the_phone_goes_offline(browser, browser_context_args, home,
                                                        shoot):
    visit = home.make_visit("Offline line")
    phone = phone_at(browser, browser_context_args, PORTRAIT)
    try:
        phone.ready_for(visit)
        page = phone.page
        synced(page)
        phone.context.set_offline(True)  # the `offline` event
        expect(page.locator(SYNC_SUMMARY)).to_contain_text(NO_CONNECTION)
        expect(page.locator(SYNC_SUMMARY)).not_to_contain_text("Everything is synced")
        phone.save_note("Said offline")
        expect(page.locator(SYNC_SUMMARY)).to_contain_text(NO_CONNECTION)
        expect(page.locator(SYNC_SUMMARY)).to_contain_text("1 not yet synced")
        shoot(page, "phone-no-connection-offline", full_page=False)

        phone.context.set_offline(False)
        phone.sync_until_done()
        synced(page)
        shoot(page, "phone-no-connection-back-online", full_page=False)
    finally:
        phone.context.close()


def test_no_connection_said_when_a_request_fails(browser, browser_context_args, home,
                                                 live_server, shoot):
    """The clinic's signal gone while the phone still thinks it is online: the first
    failed request says it, and the home computer answering again clears it."""
    visit = home.make_visit("Failed line")
    phone = phone_at(browser, browser_context_args, PORTRAIT)
    try:
        phone.ready_for(visit)
        page = phone.page
        synced(page)
        live_server.stop()
        try:
            assert page.evaluate("() => navigator.onLine")
            page.get_by_role("button", name="Sync now").click()
            expect(page.locator(SYNC_SUMMARY)).to_contain_text(NO_CONNECTION)
            phone.save_note("Said with no server")
            expect(page.locator(SYNC_SUMMARY)).to_contain_text(NO_CONNECTION)
            shoot(page, "phone-no-connection-failed-request", full_page=False)
        finally:
            live_server.start()
        phone.sync_until_done()
        synced(page)
    finally:
        phone.context.close()


# --- 10. "Note" opens the composer, never closes it ---------------------------------------

def test_note_keeps_the_composer_open_after_a_reload(browser, browser_context_args, home, shoot):
    visit = home.make_visit("Composer")
    phone = phone_at(browser, browser_context_args, PORTRAIT)
    try:
        phone.sign_in()
        phone.open_visit(visit)
        page = phone.page
        note = page.locator(".visit-bar").get_by_role("link", name="Note")
        field = page.locator("#note-text")
        note.click()
        expect(field).to_be_focused()
        field.press_sequentially("Half a note")
        note.click()  # a second tap: still open, still focused
        expect(field).to_be_visible()
        expect(field).to_be_focused()

        page.wait_for_timeout(500)  # the draft is written as it is typed
        page.reload()
        expect(field).to_have_value("Half a note")
        expect(field).to_be_visible()
        expect(note).to_have_attribute("aria-expanded", "true")
        note.click()
        expect(field).to_be_visible()
        expect(field).to_be_focused()
        expect(note).to_have_attribute("aria-expanded", "true")
        shoot(page, "phone-composer-after-reload-and-note", full_page=False)

        page.locator("#note-form").get_by_role("link", name="Close").click()  # its own way out
        expect(field).to_be_hidden()
        expect(note).to_have_attribute("aria-expanded", "false")
    finally:
        phone.context.close()
